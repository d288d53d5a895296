import t from 'tap';
import fc from 'fast-check';
import { summaryHash } from '../../domain/index.js';

const text = fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !s.includes('\r'));
const ids = fc.uniqueArray(fc.stringMatching(/^f-[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 6 });

t.test('is a SHA-256 hex digest, stable for equal content', async (t) => {
  const hash = summaryHash('Sales quotes are approved by phone.', ['f-1', 'f-2']);
  t.match(hash, /^[0-9a-f]{64}$/);
  t.equal(summaryHash('Sales quotes are approved by phone.', ['f-1', 'f-2']), hash, 'same text and findings');
  t.equal(summaryHash('Sales quotes are approved by phone.', ['f-2', 'f-1']), hash, 'citation order carries no meaning');
  t.equal(summaryHash('line one\r\nline two', ['f-1']), summaryHash('line one\nline two', ['f-1']), 'line endings are normalised');
  t.equal(summaryHash('caf\u00e9', ['f-1']), summaryHash('cafe\u0301', ['f-1']), 'Unicode is normalised (NFC)');
  t.equal(summaryHash('客户定义一致', ['f-1']), summaryHash('客户定义一致', ['f-1']));
  fc.assert(fc.property(text, ids, (s, f) => summaryHash(s, f) === summaryHash(s, [...f].reverse())));
});

t.test('changes with any change of the text', async (t) => {
  fc.assert(
    fc.property(text, text, ids, (a, b, f) => a.normalize('NFC') === b.normalize('NFC') || summaryHash(a, f) !== summaryHash(b, f)),
  );
  t.not(summaryHash('approve by phone', ['f-1']), summaryHash('approve by phone ', ['f-1']), 'even whitespace');
});

t.test('changes with any change of the cited findings', async (t) => {
  fc.assert(
    fc.property(text, ids, ids, (s, a, b) => new Set(a).size === new Set(b).size && a.every((x) => b.includes(x)) || summaryHash(s, a) !== summaryHash(s, b)),
  );
  t.not(summaryHash('s', ['f-1']), summaryHash('s', ['f-1', 'f-2']), 'adding a finding');
  t.not(summaryHash('s', ['f-1', 'f-2']), summaryHash('s', ['f-2']), 'dropping a finding');
});

t.test('text and finding ids cannot be traded for one another', async (t) => {
  t.not(summaryHash('a","findingIds":["f-1', []), summaryHash('a', ['f-1']));
});
