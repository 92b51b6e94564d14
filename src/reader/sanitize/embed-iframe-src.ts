// The video and audio players whose iframes may stay in an entry. Hosts are matched exactly (no
// subdomain wildcard) and the path must start with the player's prefix, so that an ordinary page
// of the same site cannot be framed. PeerTube is left out: any host can run it.

interface EmbedPlayer {
  host: string;
  /** Path prefix; matched as the whole path or followed by '/'. Empty: any path. */
  path: string;
}

const EMBED_PLAYERS: readonly EmbedPlayer[] = [
  { host: 'www.youtube.com', path: '/embed' },
  { host: 'youtube.com', path: '/embed' },
  { host: 'www.youtube-nocookie.com', path: '/embed' },
  { host: 'youtube-nocookie.com', path: '/embed' },
  { host: 'player.vimeo.com', path: '' },
  { host: 'dailymotion.com', path: '/embed' },
  { host: 'www.dailymotion.com', path: '/embed' },
  { host: 'player.twitch.tv', path: '' },
  { host: 'open.spotify.com', path: '/embed' },
  { host: 'w.soundcloud.com', path: '/player' },
  { host: 'bandcamp.com', path: '/EmbeddedPlayer' },
  { host: 'archive.org', path: '/embed' },
  { host: 'www.archive.org', path: '/embed' },
];

/**
 * The https URL of a known embedded player that `absoluteUrl` designates, or null when it is not
 * one. `http:` player URLs are upgraded to https (same host, and mixed content would be blocked).
 */
export function embedIframeSrc(absoluteUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(absoluteUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '' || url.port !== '') return null;
  const host = url.hostname.toLowerCase();
  const path = url.pathname;
  const known = EMBED_PLAYERS.some(
    (player) =>
      player.host === host &&
      (player.path === '' || path === player.path || path.startsWith(player.path + '/')),
  );
  if (!known) return null;
  url.protocol = 'https:';
  return url.href;
}
