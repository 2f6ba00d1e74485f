// The check-in screen shows a code that changes every 30 seconds: with scripts, the page loads
// the next code by itself when it is out. Without them, the "Show the new code" link does it
// (a meta refresh would reload the page for everyone, which WCAG 2.2.1 advises against).

export function initCheckIn(root) {
  const screen = root.querySelector('[data-module="app-check-in"]');
  if (!screen) return;
  const seconds = Number(screen.getAttribute('data-refresh-seconds'));
  if (!Number.isFinite(seconds) || seconds <= 0) return;
  setTimeout(() => window.location.reload(), seconds * 1000);
}
