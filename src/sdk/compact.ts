/**
 * Drops undefined properties. JSON would drop them anyway, but a frame that carries
 * binary goes out as MessagePack, where undefined becomes null and fails the
 * server's schema for optional fields.
 */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
