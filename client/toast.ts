// Small non-blocking notices (FreshRSS shows errors for 8 s). Created on demand, never inline
// styles: the look lives in public/style.css (.toast).
const TOAST_MS = 8000;

export function showToast(doc: Document, message: string): HTMLElement {
  const toast = doc.createElement('div');
  toast.className = 'toast';
  toast.setAttribute('role', 'alert');
  const text = doc.createElement('span');
  text.textContent = message;
  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'toast-close';
  close.setAttribute('aria-label', doc.documentElement.lang.startsWith('fr') ? 'Fermer' : 'Close');
  close.textContent = '×';
  close.addEventListener('click', () => toast.remove());
  toast.append(text, close);
  let stack = doc.querySelector<HTMLElement>('.toasts');
  if (!stack) {
    stack = doc.createElement('div');
    stack.className = 'toasts';
    doc.body.append(stack);
  }
  stack.append(toast);
  setTimeout(() => toast.remove(), TOAST_MS);
  return toast;
}
