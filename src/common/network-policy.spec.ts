import { isPrivateAddress, isPublicAddress, urlProblem } from './network-policy';

describe('the network policy for user-given URLs', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255',
    '192.0.2.1', '198.51.100.7', '203.0.113.9', '198.18.0.1', '224.0.0.1', '240.0.0.1',
    '::1', '[::1]', '::', 'fd00::1', 'fc00::1', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1', '100::1', '2001:db8::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a00:1', '::7f00:1', '2002:7f00:1::', '2002:a00:1::', '64:ff9b::a00:1', '2001::1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
    expect(isPublicAddress(address)).toBe(true);
  });

  it('leaves host names to the connect-time lookup', () => {
    expect(isPrivateAddress('images.example.com')).toBe(false);
    expect(isPublicAddress('images.example.com')).toBe(false);
  });

  it('refuses every spelling of loopback in a URL, and other schemes, unless private networks are allowed', () => {
    for (const url of ['http://localhost:3000/a.png', 'http://LOCALHOST./a', 'http://app.localhost/a', 'http://127.0.0.1/', 'http://2130706433/', 'http://0x7f000001/',
      'http://0x7f.1/', 'http://017700000001/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[0:0:0:0:0:ffff:7f00:1]/', 'https://169.254.169.254/latest/meta-data', 'http://[fd00::1]:8080/']) {
      expect(urlProblem(url, false, 'imageUrls')).toMatch(/^imageUrls must point at a public address/);
      expect(urlProblem(url, true, 'imageUrls')).toBeNull();
    }
    expect(urlProblem('file:///etc/passwd', true)).toBe('url must use http or https, not file');
    expect(urlProblem('gopher://127.0.0.1:6379/_INFO', true)).toBe('url must use http or https, not gopher');
    expect(urlProblem('/relative', false)).toBe('url must be an absolute http(s) URL');
    expect(urlProblem('https://cdn.example.com/a.png', false)).toBeNull();
  });
});
