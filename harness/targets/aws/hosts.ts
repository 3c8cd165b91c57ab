/** Host names of endpoints, pure. */

/** A DNS host name: labels of letters, digits and hyphens, separated by dots. */
export const HOST_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** The host of an endpoint given as a host or as a URL (https://host/path -> host). */
export function hostOf(endpoint: string): string {
  return endpoint.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
}
