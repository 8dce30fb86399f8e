// Where a webhook may point: http(s) only, and (against SSRF) never at loopback, private or link-local addresses.
import { isPrivateAddress, urlProblem } from '../common/network-policy';

export { isPrivateAddress };

/**
 * The problem with a webhook URL, or null when it is acceptable. Names that resolve to private
 * addresses are refused when sending (see the sender's lookup); here only what the URL itself says.
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  const problem = urlProblem(raw, allowPrivate);
  if (problem !== null) {
    return problem;
  }
  const url = new URL(raw);
  if (url.username !== '' || url.password !== '') {
    return 'url must not contain a user name or password: the signature authenticates Holdfast';
  }
  return null;
}
