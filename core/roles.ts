/** The two regions of a failover pair, by role: every layer names them the same way. */
export const ROLES = ['primary', 'secondary'] as const;
export type Role = (typeof ROLES)[number];
