// TypeORM answers an UPDATE or DELETE ... RETURNING as [rows, affected count], an INSERT or SELECT as rows.
import type { EntityManager } from 'typeorm';

export async function rowsOf<T>(manager: EntityManager, query: string, params: unknown[]): Promise<T[]> {
  const result = await manager.query<unknown>(query, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
