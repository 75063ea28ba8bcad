// IndexedDB on the phone: the outbox of submissions (with photo blobs), recent
// results, and a key-value store for the last locations, forms and the draft.

const DB_NAME = "inspection-form";
const DB_VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "id" });
        if (!db.objectStoreNames.contains("sent")) db.createObjectStore("sent", { keyPath: "id" });
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

async function run(storeName, mode, action) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeName, mode);
    const request = action(transaction.objectStore(storeName));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export const store = {
  get: (name, key) => run(name, "readonly", (s) => s.get(key)),
  all: (name) => run(name, "readonly", (s) => s.getAll()),
  put: (name, value, key) => run(name, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key))),
  delete: (name, key) => run(name, "readwrite", (s) => s.delete(key)),
  clear: (name) => run(name, "readwrite", (s) => s.clear()),
};
