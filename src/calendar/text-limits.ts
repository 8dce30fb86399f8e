// The text limits now live in common/text-counting.ts, shared with the console's composer; the service's modules keep this name.
export { checkTextLimits, composeText, measureText } from '../common/text-counting';
export type { LimitViolation, PostContent } from '../common/text-counting';
