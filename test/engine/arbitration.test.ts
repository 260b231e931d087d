// docs/decisions.md#the-steps, steps 5 and 7, on the offer board itself: one entry per
// offer for the decision in progress, the ranking a copy of it, top offers first also
// with the rotate key, and the board still right after its generation counter wraps.
import { describe, expect, it } from 'vitest';
import { OfferBoard } from '../../src/engine/arbitration.js';
import type { CompiledRule } from '../../src/engine/compiled-types.js';

/** The two fields of a rule the board reads. */
const rule = (precedence: number, top = false): CompiledRule => ({ precedence, top }) as unknown as CompiledRule;

describe('the offer board', () => {
  it('has an entry only for the offers proposed since the decision began', () => {
    const board = new OfferBoard(3);
    board.begin();
    expect([0, 1, 2].map((offer) => board.has(offer))).toEqual([false, false, false]);
    board.propose(1, 5, rule(0));
    expect([0, 1, 2].map((offer) => board.has(offer))).toEqual([false, true, false]);
    board.begin();
    expect(board.has(1)).toBe(false);
    board.propose(2, 5, rule(0));
    expect([0, 1, 2].map((offer) => board.has(offer))).toEqual([false, false, true]);
  });

  it('ranks a copy: its offers stay in first-seen order, and the ranking outlives the next decision', () => {
    const board = new OfferBoard(3);
    board.begin();
    board.propose(0, 1, rule(0));
    board.propose(1, 3, rule(1));
    board.propose(2, 2, rule(2));
    const ranked = board.ranked();
    const rotated = board.ranked((offer) => -offer);
    expect(ranked).toEqual([1, 2, 0]);
    expect(rotated).toEqual([1, 2, 0]);
    expect(board.offers).toEqual([0, 1, 2]);
    board.begin();
    expect(board.offers).toEqual([]);
    expect(ranked).toEqual([1, 2, 0]);
    expect(rotated).toEqual([1, 2, 0]);
  });

  it.each([
    ['top offers proposed first', [0, 1, 2, 3]],
    ['top offers proposed last', [2, 3, 0, 1]],
    ['interleaved', [2, 0, 3, 1]],
  ])('ranks the offers of top rules first with the rotate key too, then by score, then by the key (%s)', (_order, proposals) => {
    // Offers 0 and 1 come from a top rule with low scores, 2 and 3 from a normal rule with high ones;
    // the key puts 1 before 0 and 3 before 2.
    const board = new OfferBoard(4);
    board.begin();
    for (const offer of proposals) board.propose(offer, offer < 2 ? 1 : 90, offer < 2 ? rule(0, true) : rule(1));
    expect(board.ranked((offer) => -offer)).toEqual([1, 0, 3, 2]);
    expect(board.ranked()).toEqual([0, 1, 2, 3]);
  });

  it('keeps one entry per offer and forgets older ones when its generation counter wraps', () => {
    const board = new OfferBoard(2);
    board.begin();
    board.propose(1, 7, rule(0));
    // The counter just before its largest value: the next decision is the 2^31 − 1st.
    (board as unknown as { generation: number }).generation = 0x7ffffffe;
    board.begin();
    expect(board.has(1)).toBe(false);
    board.propose(0, 1, rule(0));
    board.begin();
    expect(board.has(0)).toBe(false);
    expect(board.has(1)).toBe(false);
    board.propose(0, 1, rule(1));
    board.propose(0, 2, rule(2));
    expect(board.has(0)).toBe(true);
    expect(board.offers).toEqual([0]);
    expect([board.bestScore[0], board.bestRule[0]]).toEqual([2, 2]);
  });
});
