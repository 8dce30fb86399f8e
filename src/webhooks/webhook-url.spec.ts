import { isPrivateAddress, webhookUrlProblem } from './webhook-url';

describe('webhook URLs', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '[::1]', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:a00:1'])(
    'treats %s as private',
    (address) => {
      expect(isPrivateAddress(address)).toBe(true);
    },
  );

  it.each(['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', 'hooks.example.com'])('treats %s as public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('accepts public http(s) URLs', () => {
    expect(webhookUrlProblem('https://hooks.example.com/holdfast', false)).toBeNull();
    expect(webhookUrlProblem('http://93.184.216.34:8080/in', false)).toBeNull();
  });

  it('refuses other schemes, relative URLs and embedded credentials', () => {
    expect(webhookUrlProblem('ftp://example.com/x', false)).toContain('http or https');
    expect(webhookUrlProblem('file:///etc/passwd', true)).toContain('http or https');
    expect(webhookUrlProblem('/hooks', false)).toContain('absolute');
    expect(webhookUrlProblem('https://user:pw@example.com/', true)).toContain('user name or password');
  });

  it('refuses loopback, private and link-local hosts, however the address is spelled, unless allowed', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::1]/', 'http://169.254.169.254/latest/meta-data']) {
      expect(webhookUrlProblem(url, false)).toContain('public address');
      expect(webhookUrlProblem(url, true)).toBeNull();
    }
  });
});
