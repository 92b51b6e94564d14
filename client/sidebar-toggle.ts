// On narrow screens the sidebar stacks above the stream (pure CSS, works without JavaScript).
// With JavaScript, its categories fold behind a button so the stream starts near the top; the
// button is hidden on wide screens by public/style.css (.sidebar-toggle, .sidebar.open).
export function installSidebarToggle(doc: Document): void {
  const sidebar = doc.querySelector<HTMLElement>('nav.sidebar');
  if (!sidebar || !sidebar.querySelector('.category')) return;
  if (!sidebar.id) sidebar.id = 'sidebar';
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'sidebar-toggle';
  button.textContent = sidebar.getAttribute('aria-label') ?? 'Menu';
  button.setAttribute('aria-controls', sidebar.id);
  button.setAttribute('aria-expanded', 'false');
  button.addEventListener('click', () => {
    const open = sidebar.classList.toggle('open');
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  const addFeed = sidebar.querySelector(':scope > .add-feed');
  if (addFeed) addFeed.after(button);
  else sidebar.prepend(button);
}
