import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPrivateFetch } from '../../storage/feeds.ts';
import { fetchOptionsFromForm } from './subscriptions-page.tsx';

test('the add-feed form gives fetch options; personal ones make the feed private', () => {
  assert.deepEqual(fetchOptionsFromForm({ url: 'x', http_user: '', http_pass: '' }), {});
  const options = fetchOptionsFromForm({
    http_user: 'me',
    http_pass: 's3cret',
    user_agent: ' Mozilla/5.0 ',
    cookie: 'session=1',
    headers: 'X-Api-Key: abc\r\nbad line\r\nAccept-Language:  fr \n: nothing',
    proxy: 'http://proxy.example:3128',
    insecure_tls: '1',
  });
  assert.deepEqual(options, {
    username: 'me',
    password: 's3cret',
    userAgent: 'Mozilla/5.0',
    cookie: 'session=1',
    proxy: 'http://proxy.example:3128',
    insecureTls: true,
    headers: { 'X-Api-Key': 'abc', 'Accept-Language': 'fr' },
  });
  assert.equal(isPrivateFetch(options), true);
  assert.equal(isPrivateFetch(fetchOptionsFromForm({ user_agent: 'UA', insecure_tls: '1' })), false);
  assert.equal(isPrivateFetch(fetchOptionsFromForm({ proxy: 'http://u:p@proxy:1' })), true);
});
