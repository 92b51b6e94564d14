import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blockedAddressReason,
  hostToIpLiteral,
  isBlockedAddress,
  parseCidrList,
} from './is-blocked-address.ts';

describe('isBlockedAddress', () => {
  const blocked = [
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'febf::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:0:192.168.0.1',
    '::127.0.0.1',
    '::7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::10.0.0.1',
    '64:ff9b:1::8.8.8.8',
    '2002:7f00:1::1',
    '2002:c0a8:0101::',
    '2001:0:4136:e378:8000:63bf:f5ff:fffe', // Teredo, client 10.0.0.1
    'not an address',
    '',
  ];
  const allowed = [
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '192.169.0.1',
    '223.255.255.255',
    '2001:4860:4860::8888',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
  ];
  for (const ip of blocked) {
    it(`blocks ${JSON.stringify(ip)}`, () => assert.equal(isBlockedAddress(ip, []), true));
  }
  for (const ip of allowed) {
    it(`allows ${ip}`, () => assert.equal(isBlockedAddress(ip, []), false));
  }

  it('lets an allow list open private networks, and only those', () => {
    const allow = parseCidrList(['127.0.0.0/8', '10.1.0.0/16', 'fd00::/8', '192.168.1.7']);
    assert.equal(isBlockedAddress('127.0.0.1', allow), false);
    assert.equal(isBlockedAddress('::ffff:127.0.0.1', allow), false);
    assert.equal(isBlockedAddress('10.1.200.3', allow), false);
    assert.equal(isBlockedAddress('10.2.0.1', allow), true);
    assert.equal(isBlockedAddress('fd00::5', allow), false);
    assert.equal(isBlockedAddress('fc00::5', allow), true);
    assert.equal(isBlockedAddress('192.168.1.7', allow), false);
    assert.equal(isBlockedAddress('192.168.1.8', allow), true);
    assert.equal(isBlockedAddress('::1', allow), true);
  });

  it('explains why an address is blocked', () => {
    assert.equal(blockedAddressReason('10.0.0.1', []), 'a private address');
    assert.equal(blockedAddressReason('127.0.0.1', []), 'a loopback address');
    assert.equal(blockedAddressReason('169.254.169.254', []), 'a link-local address');
    assert.match(blockedAddressReason('::ffff:7f00:1', []) ?? '', /loopback.*127\.0\.0\.1/);
    assert.equal(blockedAddressReason('8.8.8.8', []), null);
  });

  it('rejects malformed networks with a readable message', () => {
    assert.throws(
      () => parseCidrList(['10.0.0.0/33']),
      /^Error: fetch: "10\.0\.0\.0\/33" has an invalid prefix/,
    );
    assert.throws(() => parseCidrList(['intranet']), /^Error: fetch: "intranet" is not a network/);
    assert.deepEqual(parseCidrList([' ', '']), []);
  });
});

describe('hostToIpLiteral', () => {
  const cases: [string, string | null][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['[::1]', '::1'],
    ['::1', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
    ['example.com', null],
    ['localhost', null],
    ['1.2.3.4.example', null],
  ];
  for (const [host, expected] of cases) {
    it(`${host} → ${expected}`, () => assert.equal(hostToIpLiteral(host), expected));
  }

  it('agrees with what WHATWG URL makes of odd IPv4 spellings', () => {
    for (const spelled of ['http://0x7f.1/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://127.1/']) {
      const host = new URL(spelled).hostname;
      assert.equal(hostToIpLiteral(host), '127.0.0.1', spelled);
      assert.equal(isBlockedAddress(hostToIpLiteral(host) as string, []), true);
    }
  });
});
