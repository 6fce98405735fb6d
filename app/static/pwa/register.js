// Loaded by every page of the app (a file, not an inline script): installs the service worker, and opens the
// offline capture page when the connection is lost, since a NiceGUI page cannot work without its server.
// '/' or, under a sub-path (X-Forwarded-Prefix), '/spend/': this file is <BASE>pwa/register.js
const BASE = new URL('..', import.meta.url).pathname;

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(BASE + 'sw.js', { scope: BASE }).catch(() => {});
}

const PATIENCE_MS = 8000; // a server restarting (an update) comes back within this; lost signal does not

function toCapture() {
  if (location.pathname !== BASE + 'capture') location.assign(BASE + 'capture');
}

async function serverGone() {
  try {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 4000);
    await fetch(BASE + 'auth/alive', { credentials: 'same-origin', cache: 'no-store', signal: controller.signal });
    clearTimeout(timer);
    return false;
  } catch (error) {
    return true;
  }
}

window.addEventListener('offline', toCapture);
const watchSocket = setInterval(() => {
  if (!window.socket) return;
  clearInterval(watchSocket);
  window.socket.on('disconnect', () => {
    if (!navigator.onLine) return toCapture();
    if (location.pathname.startsWith(BASE + 'settings')) return; // the update page waits for the restart itself
    setTimeout(async () => {
      if (!window.socket.connected && (await serverGone())) toCapture();
    }, PATIENCE_MS);
  });
}, 500);
