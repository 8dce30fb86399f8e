// bigint columns holding minor units: PostgreSQL returns them as strings; amounts stay far below 2^53.
import type { ValueTransformer } from 'typeorm';

export const MINOR_UNITS: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
