// text_extractor's chunking module: each split strategy, chunk_size and chunk_overlap in the
// strategy's unit, determinism, and the token count credits are charged by.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkText, countTokens } from '../src/engine/extractors/text-extractor/chunking.ts';

describe('text chunking', () => {
  test('none and empty text: one chunk, the text as it is', () => {
    assert.deepEqual(chunkText('a b c', { splitBy: 'none', chunkSize: 1, chunkOverlap: 0 }), ['a b c']);
    assert.deepEqual(chunkText('', { splitBy: 'words', chunkSize: 2, chunkOverlap: 0 }), ['']);
  });

  test('characters: windows of chunk_size characters advancing chunk_size − overlap (code points, not UTF-16 units)', () => {
    assert.deepEqual(chunkText('abcdefg', { splitBy: 'characters', chunkSize: 3, chunkOverlap: 0 }), ['abc', 'def', 'g']);
    assert.deepEqual(chunkText('abcdefg', { splitBy: 'characters', chunkSize: 3, chunkOverlap: 1 }), ['abc', 'cde', 'efg']);
    assert.deepEqual(chunkText('😀😀😀', { splitBy: 'characters', chunkSize: 2, chunkOverlap: 0 }), ['😀😀', '😀']);
    // An overlap as large as the chunk still advances one unit at a time.
    assert.deepEqual(chunkText('abcd', { splitBy: 'characters', chunkSize: 2, chunkOverlap: 5 }), ['ab', 'bc', 'cd']);
  });

  test('words: whitespace-separated words, joined by one space', () => {
    assert.deepEqual(chunkText(' one  two\nthree four five ', { splitBy: 'words', chunkSize: 2, chunkOverlap: 0 }), ['one two', 'three four', 'five']);
    assert.deepEqual(chunkText('a b c d e', { splitBy: 'words', chunkSize: 3, chunkOverlap: 1 }), ['a b c', 'c d e']);
  });

  test('sentences, paragraphs, pages', () => {
    assert.deepEqual(chunkText('First one. Second? Third! Fourth', { splitBy: 'sentences', chunkSize: 1, chunkOverlap: 0 }), ['First one.', 'Second?', 'Third!', 'Fourth']);
    assert.deepEqual(chunkText('A. B. C.', { splitBy: 'sentences', chunkSize: 2, chunkOverlap: 0 }), ['A. B.', 'C.']);
    assert.deepEqual(chunkText('p1 line\nstill p1\n\n  p2\n\n\np3', { splitBy: 'paragraphs', chunkSize: 1, chunkOverlap: 0 }), ['p1 line\nstill p1', 'p2', 'p3']);
    assert.deepEqual(chunkText('page one\fpage two\f\fpage three', { splitBy: 'pages', chunkSize: 2, chunkOverlap: 0 }), ['page one\fpage two', 'page three']);
  });

  test('deterministic, and every unit lands in some chunk', () => {
    const text = Array.from({ length: 500 }, (_, i) => `w${i}`).join(' ');
    const a = chunkText(text, { splitBy: 'words', chunkSize: 37, chunkOverlap: 5 });
    assert.deepEqual(chunkText(text, { splitBy: 'words', chunkSize: 37, chunkOverlap: 5 }), a);
    const seen = new Set(a.flatMap((c) => c.split(' ')));
    assert.equal(seen.size, 500);
  });

  test('countTokens: words, at least 1', () => {
    assert.equal(countTokens('one two  three'), 3);
    assert.equal(countTokens(''), 1);
  });
});
