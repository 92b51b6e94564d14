// Varied article text for the generated benchmark databases (bench/pages-data.ts with
// `text: 'varied'`, used by `npm run bench:search`): French and English articles whose words
// follow a Zipf-like law, as in real text — a few hundred real words of each language very often
// (with their plurals and verb forms, for stemming), and a long tail of a million invented words,
// the word of rank r appearing about 1/r as often as the first (so the rarest ones are in a
// handful of articles). Some fixed phrases, version numbers, authors and tags are sprinkled in.
// Deterministic: the same index gives the same article.

const FRENCH = `de la le et les des en un une du est pour que dans qui sur au par plus pas avec ce il sont
ne se ou mais nous vous leur aux été cette tout elle fait être aussi bien comme ses son sa nouveau nouvelle
nouveaux nouvelles version mise jour projet projets développeur développeurs développeuse développement
logiciel logiciels libre libres serveur serveurs données réseau réseaux sécurité utilisateur utilisateurs
utilisatrice application applications navigateur navigateurs système systèmes fichier fichiers code
article articles semaine année mois jour temps monde france europe politique économie santé recherche
entreprise entreprises travail gouvernement ministre président élection loi public publique rapport
étude études chercheurs chercheuse climat énergie eau ville villes région national nationale rapide
rapidement simple simplement grand grande petit petite premier première dernier dernière ancien ancienne
actif active naturel naturelle important importante journal journaux général générale technique
techniques question questions problème problèmes solution solutions outil outils version publié publiée
annonce annoncé disponible disponibles mettre trouver faire prendre donner changer développer créer lire
écrire ouvrir voir venir partir utiliser installer corriger ajouter`;

const ENGLISH = `the of and to a in is for that on with as it was by this are be at from or an have not
but they we you their has more new can will all one about which when would there been also into its
update updates updated updating release released releases version project projects developer developers
developing development software free open server servers data network networks security user users
browser browsers system systems file files code article articles week year month day time world europe
politics economy health research company companies work government minister president election law
public report study studies researchers climate energy water city cities region national fast quickly
simple simply great small first last old active natural important journal general technical question
questions problem problems solution solutions tool tools published announce announced available make
find take give change develop create read write open see come leave use install fix add running run runs
ran`;

const FRENCH_WORDS = FRENCH.split(/\s+/).filter(Boolean);
const ENGLISH_WORDS = ENGLISH.split(/\s+/).filter(Boolean);

/** Phrases placed in about 1 article in 300 of their language. */
const PHRASES = { fr: 'intelligence artificielle générative', en: 'open source software' };

const TAIL = 1_000_000;
const SYLLABLES = `ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo fu ga ge gi go gu ka ke ki ko ku
la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu
va ve vi vo vu za ze zi zo zu bra tri plo gno stu cha vel dor mik`.split(/\s+/);

/** A small fast deterministic generator (mulberry32). */
export function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The invented word of rank r (1-based): distinct for every rank, pronounceable. */
export function tailWord(rank: number): string {
  let n = rank;
  let word = '';
  do {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return `${word}q`;
}

/** A rank in [1, TAIL] with P(r) ∝ 1/r (log-uniform). */
function tailRank(random: () => number): number {
  return Math.min(TAIL, Math.floor(Math.exp(random() * Math.log(TAIL + 1))));
}

/** A real word of the list, the k-th about 1/k as often as the first. */
function commonWord(list: readonly string[], random: () => number): string {
  return list[Math.min(list.length - 1, Math.floor(Math.exp(random() * Math.log(list.length + 1))) - 1)]!;
}

function words(count: number, lang: 'fr' | 'en', random: () => number): string[] {
  const list = lang === 'fr' ? FRENCH_WORDS : ENGLISH_WORDS;
  const out: string[] = [];
  for (let i = 0; i < count; i++)
    out.push(random() < 0.55 ? commonWord(list, random) : tailWord(tailRank(random)));
  return out;
}

export interface BenchArticle {
  title: string;
  /** HTML paragraphs. */
  content: string;
  summary: string;
  language: 'fr' | 'en';
  authors: string;
  tags: string;
}

/** Article number `i`: the same every time. */
export function benchArticle(i: number): BenchArticle {
  const random = randomFrom(i * 2654435761 + 12345);
  const lang: 'fr' | 'en' = random() < 0.55 ? 'fr' : 'en';
  const title = words(5 + Math.floor(random() * 6), lang, random);
  title[0] = title[0]!.charAt(0).toUpperCase() + title[0]!.slice(1);
  if (random() < 0.02)
    title.push(
      lang === 'fr' ? 'version' : 'version',
      `${1 + Math.floor(random() * 9)}.${Math.floor(random() * 20)}`,
    );
  const paragraphs: string[] = [];
  const paragraphCount = 2 + Math.floor(random() * 4);
  for (let p = 0; p < paragraphCount; p++) {
    const sentence = words(20 + Math.floor(random() * 30), lang, random);
    if (p === 0 && random() < 1 / 300) sentence.splice(3, 0, PHRASES[lang]);
    paragraphs.push(`${sentence.join(' ')}.`);
  }
  const author = `${tailWord(1 + Math.floor(random() * 2000)).replace(/^./, (c) => c.toUpperCase())} ${tailWord(
    3000 + Math.floor(random() * 500),
  ).replace(/^./, (c) => c.toUpperCase())}`;
  const tags = Array.from({ length: Math.floor(random() * 3) }, () =>
    commonWord(lang === 'fr' ? FRENCH_WORDS : ENGLISH_WORDS, random),
  );
  return {
    title: title.join(' '),
    content: paragraphs.map((p) => `<p>${p}</p>`).join('\n'),
    summary: paragraphs[0]!.slice(0, 200),
    language: lang,
    authors: JSON.stringify([{ name: author, email: null, uri: null }]),
    tags: JSON.stringify([...new Set(tags)]),
  };
}
