/**
 * A searchable corpus for the search tests and `npm run bench -- search`: one user's keyring,
 * conversations whose keys are wrapped for that user, and messages sealed under those keys, all
 * deterministic from a seed. The text is made of a Zipf-distributed vocabulary of made-up words
 * (so common words match many messages, as in real chat), with a few real phrases mixed in:
 * "Crème brûlée", "l'arbre", "café", and links.
 */
import {
  formatTimestamp,
  generateUserKeyPair,
  newConversationKey,
  sealMessage,
  sealText,
  wrapConversationKey,
  type Conversation,
  type Message,
} from '../../../protocol/index.js';
import { Keyring } from '../../../app/core/crypto/keyring.js';
import { conversation, cid, uuid } from './store/fixtures.js';

export const CORPUS_PASSWORD = 'corpus password';
export const CORPUS_ME = 'a'.repeat(32);
export const CORPUS_OTHER = 'b'.repeat(32);

const PHRASES = ['Crème brûlée for dessert?', "On va sous l'arbre.", 'Un café ?', 'See https://www.example.com/docs/start', 'counterexample found'];
const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiouy';

function madeUpWord(rand: () => number): string {
  // Lengths 2 to 10, most of them 4 to 7.
  const length = 2 + Math.min(8, Math.floor((rand() + rand() + rand()) * 3));
  let word = '';
  for (let i = 0; i < length; i++) {
    const from = (i + (length % 2)) % 2 ? VOWELS : CONSONANTS;
    word += from[Math.floor(rand() * from.length)]!;
  }
  return word;
}

/** A small, fast, seeded generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Corpus = {
  keyring: Keyring;
  conversations: Conversation[];
  /** Messages per conversation id, oldest first. */
  messages: Map<string, Message[]>;
  /** Every message's plaintext, by message id (the oracle for what a search must find). */
  texts: Map<string, { conversationId: string; from: string; text: string; created: number }>;
  vocabulary: string[];
};

export async function makeCorpus(opts: { conversations: number; perConversation: number; seed?: number; startMs?: number }): Promise<Corpus> {
  const rand = seededRandom(opts.seed ?? 1);
  const pair = await generateUserKeyPair(CORPUS_PASSWORD);
  const keyring = Keyring.unlock(pair.rsakey, CORPUS_PASSWORD, CORPUS_ME);
  // Words of 2 to 10 letters, consonants and vowels taking turns, the short ones the common ones (as
  // in real language). Made of syllables, an earlier vocabulary had every common word the start of
  // twenty others, which no language has and which made every prefix query a search for dozens.
  const vocabulary = [...new Set(Array.from({ length: 9000 }, () => madeUpWord(rand)))].slice(0, 6000).sort((a, b) => a.length - b.length);
  // Zipf: the word of rank r is picked with weight 1/r, through a cumulative table.
  const cumulative: number[] = [];
  let sum = 0;
  for (let r = 1; r <= vocabulary.length; r++) cumulative.push((sum += 1 / r));
  const word = (): string => {
    const x = rand() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  const start = opts.startMs ?? Date.UTC(2026, 0, 1);
  const conversations: Conversation[] = [];
  const messages = new Map<string, Message[]>();
  const texts: Corpus['texts'] = new Map();
  let n = 0;
  for (let c = 0; c < opts.conversations; c++) {
    const id = cid(c + 1);
    const key = newConversationKey();
    conversations.push(conversation(id, { secret: wrapConversationKey(key, keyring.ownPublicKey()), displayname: sealText(key, `Conversation ${c + 1}`) }));
    const list: Message[] = [];
    for (let m = 0; m < opts.perConversation; m++) {
      n++;
      const words = Array.from({ length: 3 + Math.floor(rand() * 15) }, word);
      if (rand() < 0.02) words.push(PHRASES[Math.floor(rand() * PHRASES.length)]!);
      const text = words.join(' ');
      const from = rand() < 0.5 ? CORPUS_ME : CORPUS_OTHER;
      // Conversations take turns, as in real chat: the indexer, which goes conversation by conversation, meets times out of order.
      const created = start + (m * opts.conversations + c) * 1000;
      const ID = uuid(n);
      list.push({ ID, Type: 'Message', Created: formatTimestamp(created), ValidUntil: '2099-01-01 00:00:00', Data: sealMessage(key, { from, text }) });
      texts.set(ID, { conversationId: id, from, text, created });
    }
    messages.set(id, list);
  }
  return { keyring, conversations, messages, texts, vocabulary };
}
