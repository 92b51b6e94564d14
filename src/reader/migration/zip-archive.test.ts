import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSafeZipName, listZip, looksLikeZip, writeZip, ZipError } from './zip-archive.ts';

describe('zip archives', () => {
  it('reads back what it writes, names and bytes', () => {
    const files = [
      { name: 'feeds_2026-01-02.opml.xml', data: Buffer.from('<opml/>') },
      { name: 'dossier/starred é.json', data: Buffer.from('{"items":[]}'.repeat(1000)) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];
    const zip = writeZip(files, new Date(Date.UTC(2026, 0, 2, 3, 4, 6)));
    assert.ok(looksLikeZip(zip));
    const { files: read, problems } = listZip(zip);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      read.map((f) => [f.name, f.read().toString()]),
      files.map((f) => [f.name, f.data.toString()]),
    );
  });

  it('reads an archive made by another implementation (Python zipfile: deflated and stored)', () => {
    const zip = Buffer.from(
      'UEsDBBQAAAAIAIMYIlwpe84lVAAAAFsAAAAZAAAAZmVlZHNfMjAyNi0wMS0wMi5vcG1sLnhtbCXM7QmAIBAA0FXkBvCin6FCQzSA4UXC+YFeYdtHNMB7ptTE6qbWY8kWZj2BM3sJjzPlEo6ZlNAQCyuokXhrbOEUqX1B9JqGT5UJD6IA6Az+Er/UvVBLAwQUAAAAAACDGCJcR7Jtsg0AAAANAAAAFwAAAHN0YXJyZWRfMjAyNi0wMS0wMi5qc29ueyJpdGVtcyI6IFtdfVBLAQIUAxQAAAAIAIMYIlwpe84lVAAAAFsAAAAZAAAAAAAAAAAAAACAAQAAAABmZWVkc18yMDI2LTAxLTAyLm9wbWwueG1sUEsBAhQDFAAAAAAAgxgiXEeybbINAAAADQAAABcAAAAAAAAAAAAAAIABiwAAAHN0YXJyZWRfMjAyNi0wMS0wMi5qc29uUEsFBgAAAAACAAIAjAAAAM0AAAAAAA==',
      'base64',
    );
    const { files, problems } = listZip(zip);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      files.map((f) => [f.name, f.read().toString()]),
      [
        [
          'feeds_2026-01-02.opml.xml',
          '<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example/feed"/></body></opml>',
        ],
        ['starred_2026-01-02.json', '{"items": []}'],
      ],
    );
  });

  it('leaves out entries whose path leaves the folder, and reads the others', () => {
    const zip = writeZip([
      { name: '../evil.json', data: Buffer.from('{}') },
      { name: 'a/../../b.opml', data: Buffer.from('<opml/>') },
      { name: '/etc/passwd', data: Buffer.from('x') },
      { name: 'C:\\x.json', data: Buffer.from('x') },
      { name: 'ok.json', data: Buffer.from('{}') },
    ]);
    const { files, problems } = listZip(zip);
    assert.deepEqual(
      files.map((f) => f.name),
      ['ok.json'],
    );
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /^zip: "\.\.\/evil\.json" left out: its path leaves the archive's folder$/);
    assert.ok(isSafeZipName('a/b..c/d.json'));
  });

  it('refuses a file that inflates to more than it declares, and a damaged one', () => {
    const zip = writeZip([{ name: 'big.json', data: Buffer.alloc(100_000, 0x20) }]);
    // Lie in the central directory and the local header: declare 10 bytes.
    const lying = Buffer.from(zip);
    const central = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(10, central + 24);
    lying.writeUInt32LE(10, 22);
    const [file] = listZip(lying).files;
    assert.throws(
      () => file!.read(),
      (e) => e instanceof ZipError && /inflates to more than the 10 bytes/.test(e.message),
    );

    const damaged = Buffer.from(writeZip([{ name: 'a.json', data: Buffer.from('hello hello hello') }]));
    const at = 30 + 'a.json'.length + 2;
    damaged.writeUInt8(damaged.readUInt8(at) ^ 0xff, at);
    assert.throws(() => listZip(damaged).files[0]!.read(), ZipError);
  });

  it('bounds the number and size of files', () => {
    const zip = writeZip([
      { name: 'a', data: Buffer.alloc(50) },
      { name: 'b', data: Buffer.alloc(500) },
    ]);
    const limited = listZip(zip, { maxFiles: 10, maxFileBytes: 100, maxTotalBytes: 120 });
    assert.deepEqual(
      limited.files.map((f) => f.name),
      ['a'],
    );
    assert.match(limited.problems[0]!, /"b" left out: 500 bytes once inflated, more than 100/);
    assert.throws(
      () => listZip(zip, { maxFiles: 1, maxFileBytes: 1000, maxTotalBytes: 1000 }),
      /more than 1 files/,
    );
    const total = listZip(zip, { maxFiles: 10, maxFileBytes: 1000, maxTotalBytes: 120 });
    total.files[0]!.read();
    assert.throws(() => total.files[1]!.read(), /more than 120 bytes in all/);
  });

  it('says clearly what it cannot read', () => {
    assert.throws(() => listZip(Buffer.from('PK\u0003\u0004 truncated')), /no end of central directory/);
    assert.ok(!looksLikeZip(Buffer.from('{"items": []}')));
    // An entry in a method other than stored or deflate is left out with its reason.
    const bzip = Buffer.from(writeZip([{ name: 'x.json', data: Buffer.from('{}') }]));
    bzip.writeUInt16LE(12, bzip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    assert.match(listZip(bzip).problems[0]!, /compression method 12 is not supported/);
  });
});
