/** The error `p` rejects with (with the fields the project's errors carry); fails the test if `p` resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error & { kind?: string; recovery?: string }> {
  try {
    await p;
  } catch (error) {
    return error as Error & { kind?: string; recovery?: string };
  }
  throw new Error('it resolved');
}
