/* Service worker of the phone form (scope /form): the page, its files and the
   last fetched locations and forms stay available without network. */
const VERSION = {{ version|tojson }};
const SHELL_CACHE = "form-shell-" + VERSION;
const DATA_CACHE = "form-data";
const SHELL = {{ shell|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("form-shell-") && name !== SHELL_CACHE)
          .map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

function isData(url) {
  return url.pathname === "/api/v1/locations" || url.pathname.startsWith("/api/v1/forms/");
}

function isShell(url) {
  return SHELL.includes(url.pathname);
}

/* The page and its files: from the cache this version filled on install (a new
   release changes VERSION, so the browser installs a new worker with fresh files).
   On a weak connection the form opens without waiting for the network. */
async function cacheFirst(request, key) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(key, response.clone());
  return response;
}

/* Data: network first (fresh when online), the cache when the network fails. */
async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isData(url)) {
    event.respondWith(networkFirst(request, DATA_CACHE, url.pathname + url.search));
  } else if (isShell(url)) {
    event.respondWith(cacheFirst(request, url.pathname));
  }
});
