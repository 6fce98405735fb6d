// What I Spend's service worker (served as /sw.js; the server writes the version and the list in). Under a
// sub-path (/spend/sw.js, scope /spend/) every path it keeps or answers with is below that base, which it reads
// from its own address: the list the server writes holds paths from the app's root.
//
// It keeps only the offline capture page, its files and the icons. It never stores an API answer nor a
// NiceGUI page: those go to the network untouched. When a page cannot be opened because the server cannot
// be reached (no signal, or the installed app started offline), it answers with the capture page instead.
// A new version of the app is a new text of this file: the browser installs it, it takes over at once
// (skipWaiting, clients.claim) and deletes the caches of older versions, so the cached files are always
// those of the version installed.
const VERSION = '__VERSION__';
const CACHE = 'wis-capture-' + VERSION;
const BASE = new URL('.', self.location.href).pathname.replace(/\/$/, ''); // '' or '/spend'
const PRECACHE = __PRECACHE__.map((path) => BASE + path);
const KEPT = new Set(PRECACHE);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((path) => new Request(path, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, fallbackPath) {
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await caches.match(fallbackPath, { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request, path) {
  const cached = await caches.match(path, { cacheName: CACHE });
  return cached || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (KEPT.has(url.pathname)) {
    // this version's own files (the capture page included): the cache is filled when the worker installs
    event.respondWith(cacheFirst(request, url.pathname));
  } else if (request.mode === 'navigate') {
    // a page of the app: from the network only; without it, the capture page
    event.respondWith(networkFirst(request, BASE + '/capture'));
  }
});
