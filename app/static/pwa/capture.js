// The offline capture page (/capture): one plain module, no framework, no build step.
//
// It records expenses into IndexedDB while the server cannot be reached, shows what is waiting, and sends each
// through POST /sysapi/expense_create with its own request_id as soon as the server answers again: a send that
// is repeated (a retry, two tabs) records the expense once. The lists it offers (categories, payment methods)
// are those kept at the last online visit (/capture/data). It authenticates with the browser's session; when
// the session has ended it keeps the queue and asks to log in. It stores nothing else, and logging out clears
// it (the server answers the logout with Clear-Site-Data). Every text comes from /pwa/capture-texts.json, in
// the language of the last online visit; nothing a person typed is ever written as HTML.

// '' at the root of the site, '/spend' under a sub-path: this file is <BASE>/pwa/capture.js
const BASE = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const DB_NAME = 'whatispend-capture';
const QUEUE = 'queue';
const LISTS = 'lists';
const SYNC_EVERY_MS = 20000;
const AMOUNT = /^\s*\d{1,9}([.,]\d{1,2})?\s*$/;

const state = {
  texts: {},
  lang: 'en',
  lists: null, // as kept at the last online visit
  user: null, // the id of the session's user, when the server just said so
  online: null,
  loginNeeded: false,
  syncing: false,
  position: null,
  watch: null,
};

const $ = (id) => document.getElementById(id);

// --- storage -------------------------------------------------------------------------------------------------

let database = null;

function openDatabase() {
  if (database) return Promise.resolve(database);
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(QUEUE, { keyPath: 'request_id' });
      request.result.createObjectStore(LISTS, { keyPath: 'key' });
    };
    request.onsuccess = () => {
      database = request.result;
      resolve(database);
    };
    request.onerror = () => reject(request.error);
  });
}

async function store(name, mode, work) {
  const db = await openDatabase();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    const request = work(transaction.objectStore(name));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
  });
}

const allWaiting = () => store(QUEUE, 'readonly', (s) => s.getAll());
const keep = (item) => store(QUEUE, 'readwrite', (s) => s.put(item));
const forget = (requestId) => store(QUEUE, 'readwrite', (s) => s.delete(requestId));

// --- words ---------------------------------------------------------------------------------------------------

function t(key, params = {}) {
  const table = state.texts[state.lang] || state.texts.en || {};
  let text = table[key] || key;
  for (const [name, value] of Object.entries(params)) text = text.split(`{${name}}`).join(String(value));
  return text;
}

function chooseLanguage() {
  const wanted = (state.lists && state.lists.language) || (navigator.language || 'en').slice(0, 2);
  state.lang = state.texts[wanted] ? wanted : 'en';
  document.documentElement.lang = state.lang;
  document.querySelectorAll('[data-text]').forEach((element) => {
    element.textContent = t(element.dataset.text);
  });
  document.title = t('page_title');
}

// --- the server ----------------------------------------------------------------------------------------------

async function refreshLists() {
  let response;
  try {
    response = await fetch(BASE + '/capture/data', { credentials: 'same-origin', cache: 'no-store' });
  } catch (error) {
    state.online = false;
    state.user = null;
    return;
  }
  state.online = true;
  if (response.status === 401) {
    state.loginNeeded = true;
    state.user = null;
    return;
  }
  if (!response.ok) return;
  const data = await response.json();
  state.loginNeeded = false;
  state.user = data.user_id;
  state.lists = { ...data, key: 'lists' };
  await store(LISTS, 'readwrite', (s) => s.put(state.lists));
}

function categoryOf(id) {
  return ((state.lists && state.lists.categories) || []).find((category) => category.id === id) || null;
}

function methodOf(id) {
  return ((state.lists && state.lists.payment_methods) || []).find((method) => method.id === id) || null;
}

function bodyOf(item) {
  const body = {
    amount: item.amount,
    date: item.date,
    category_id: item.category_id,
    payment_method_id: item.payment_method_id,
    request_id: item.request_id,
  };
  if (item.subcategory_id) body.subcategory_id = item.subcategory_id;
  if (item.description) body.description = item.description;
  if (item.latitude != null && item.longitude != null) {
    body.latitude = item.latitude;
    body.longitude = item.longitude;
  }
  return body;
}

async function sendWaiting() {
  await refreshLists();
  if (!state.online || state.loginNeeded || state.user == null) return 0;
  let sent = 0;
  for (const item of await allWaiting()) {
    if (item.user_id !== state.user) continue; // recorded under another account: it waits for that one
    const category = categoryOf(item.category_id);
    const subcategoryGone =
      item.subcategory_id && !(category && category.subcategories.some((sub) => sub.id === item.subcategory_id));
    if (!category || subcategoryGone) {
      item.needs = 'category';
      await keep(item);
      continue;
    }
    if (!methodOf(item.payment_method_id)) {
      item.needs = 'payment_method';
      await keep(item);
      continue;
    }
    let response;
    try {
      response = await fetch(BASE + '/sysapi/expense_create', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-WhatISpend-Capture': '1' },
        body: JSON.stringify(bodyOf(item)),
      });
    } catch (error) {
      state.online = false;
      break;
    }
    if (response.ok) {
      await forget(item.request_id);
      sent += 1;
      continue;
    }
    if (response.status === 401) {
      state.loginNeeded = true;
      break;
    }
    if (response.status === 429 || response.status >= 500) break; // later, unchanged
    const answer = await response.json().catch(() => ({}));
    item.problem = answer.error || String(response.status);
    if (answer.field === 'category_id' || answer.field === 'subcategory_id') item.needs = 'category';
    if (answer.field === 'payment_method_id') item.needs = 'payment_method';
    await keep(item);
  }
  return sent;
}

async function sync() {
  if (state.syncing) return;
  state.syncing = true;
  let sent = 0;
  try {
    // one tab at a time; a second one would be harmless anyway (request_id), only wasteful
    sent = navigator.locks
      ? await navigator.locks.request('whatispend-capture-sync', sendWaiting)
      : await sendWaiting();
  } finally {
    state.syncing = false;
  }
  await render();
  if (sent) say(t('sent', { n: sent }));
}

// --- the page ------------------------------------------------------------------------------------------------

function say(text) {
  $('status').textContent = text;
}

function option(value, label) {
  const element = document.createElement('option');
  element.value = value == null ? '' : String(value);
  element.textContent = label;
  return element;
}

function fillSelect(select, items, chosen, emptyLabel) {
  const keepValue = select.value;
  select.replaceChildren();
  if (emptyLabel !== undefined) select.append(option(null, emptyLabel));
  for (const item of items) select.append(option(item.id, item.name));
  const wanted = keepValue && items.some((item) => String(item.id) === keepValue) ? keepValue : chosen;
  select.value = wanted == null ? '' : String(wanted);
}

function fillSubcategories(chosen) {
  const category = categoryOf(Number($('category').value));
  const subcategories = category ? category.subcategories : [];
  fillSelect($('subcategory'), subcategories, chosen, t('no_subcategory'));
  $('subcategory-label').hidden = subcategories.length === 0;
}

function renderForm() {
  const lists = state.lists;
  $('no-lists').hidden = Boolean(lists);
  $('save').disabled = !lists;
  if (!lists) return;
  fillSelect($('category'), lists.categories, lists.last_category_id, lists.last_category_id ? undefined : '');
  fillSubcategories(lists.last_subcategory_id);
  fillSelect($('payment-method'), lists.payment_methods, lists.last_payment_method_id, lists.last_payment_method_id ? undefined : '');
}

function describe(item) {
  const category = categoryOf(item.category_id);
  const names = [item.category_name, item.subcategory_name].filter(Boolean).join(' › ');
  return [item.date, category ? names : item.category_name, item.payment_method_name, item.description]
    .filter(Boolean)
    .join(' · ');
}

function chooser(item) {
  const kind = item.needs;
  const select = document.createElement('select');
  const items = kind === 'category' ? (state.lists ? state.lists.categories : []) : state.lists ? state.lists.payment_methods : [];
  fillSelect(select, items, null, t(kind === 'category' ? 'choose_category' : 'payment_method'));
  select.setAttribute('aria-label', t(kind === 'category' ? 'choose_category' : 'payment_method'));
  select.dataset.mark = 'queue-choose';
  select.addEventListener('change', async () => {
    const id = Number(select.value);
    if (!id) return;
    if (kind === 'category') {
      item.category_id = id;
      item.category_name = categoryOf(id).name;
      item.subcategory_id = null;
      item.subcategory_name = '';
    } else {
      item.payment_method_id = id;
      item.payment_method_name = methodOf(id).name;
    }
    item.needs = '';
    item.problem = '';
    await keep(item);
    await sync();
  });
  return select;
}

async function render() {
  const items = (await allWaiting()).sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
  const list = $('queue');
  list.replaceChildren();
  for (const item of items) {
    const entry = document.createElement('li');
    entry.dataset.requestId = item.request_id;
    const line = document.createElement('div');
    line.className = 'line';
    const what = document.createElement('span');
    what.textContent = describe(item);
    const amount = document.createElement('span');
    amount.className = 'amount';
    amount.textContent = item.amount;
    line.append(what, amount);
    entry.append(line);
    let problem = '';
    if (item.needs === 'category') problem = t('needs_category');
    else if (item.problem) problem = item.problem;
    else if (state.user != null && item.user_id !== state.user) problem = t('other_account', { username: item.username });
    if (problem) {
      const text = document.createElement('span');
      text.className = 'problem';
      text.textContent = problem;
      entry.append(text);
    }
    const actions = document.createElement('div');
    actions.className = 'actions';
    if (item.needs) actions.append(chooser(item));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = t('delete');
    remove.addEventListener('click', async () => {
      await forget(item.request_id);
      await render();
    });
    actions.append(remove);
    entry.append(actions);
    list.append(entry);
  }
  $('count').textContent = items.length ? `(${items.length})` : '';
  $('empty').hidden = items.length > 0;
  $('send-now').hidden = items.length === 0 || !state.online || state.loginNeeded;
  $('login').hidden = !state.loginNeeded;
  $('open-app').hidden = !state.online || state.loginNeeded;
  if (state.online === false) say(t('offline'));
  else if (state.online && !state.loginNeeded) say(items.length ? '' : t('online'));
  else say('');
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function newRequestId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // plain-HTTP pages have no randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function watchPosition(on) {
  if (state.watch != null) navigator.geolocation.clearWatch(state.watch);
  state.watch = null;
  state.position = null;
  if (!on || !navigator.geolocation) return;
  say(t('locating'));
  state.watch = navigator.geolocation.watchPosition(
    (found) => {
      state.position = { latitude: found.coords.latitude, longitude: found.coords.longitude };
      say('');
    },
    () => say(t('no_position')),
    { enableHighAccuracy: true, maximumAge: 60000, timeout: 20000 },
  );
}

async function save(event) {
  event.preventDefault();
  const error = $('form-error');
  error.textContent = '';
  const amount = $('amount').value.trim();
  if (!AMOUNT.test(amount)) {
    error.textContent = t('amount_invalid');
    $('amount').focus();
    return;
  }
  const category = categoryOf(Number($('category').value));
  const method = methodOf(Number($('payment-method').value));
  if (!category || !method) {
    error.textContent = t('choose_both');
    return;
  }
  const subcategoryId = Number($('subcategory').value) || null;
  const subcategory = category.subcategories.find((sub) => sub.id === subcategoryId);
  const item = {
    request_id: newRequestId(),
    user_id: state.lists.user_id,
    username: state.lists.username,
    amount,
    date: $('date').value || today(),
    category_id: category.id,
    category_name: category.name,
    subcategory_id: subcategory ? subcategory.id : null,
    subcategory_name: subcategory ? subcategory.name : '',
    payment_method_id: method.id,
    payment_method_name: method.name,
    description: $('description').value.trim().slice(0, 500),
    latitude: state.position ? state.position.latitude : null,
    longitude: state.position ? state.position.longitude : null,
    recorded_at: new Date().toISOString(),
    needs: '',
    problem: '',
  };
  await keep(item);
  $('amount').value = '';
  $('description').value = '';
  $('amount').focus();
  await render();
  say(t('kept'));
  sync();
}

async function start() {
  try {
    const response = await fetch(BASE + '/pwa/capture-texts.json');
    state.texts = await response.json();
  } catch (error) {
    state.texts = {};
  }
  state.lists = (await store(LISTS, 'readonly', (s) => s.get('lists'))) || null;
  chooseLanguage();
  $('date').value = today();
  renderForm();
  await render();
  $('form').addEventListener('submit', save);
  $('category').addEventListener('change', () => fillSubcategories(null));
  $('position').addEventListener('change', () => watchPosition($('position').checked));
  $('send-now').addEventListener('click', sync);
  window.addEventListener('online', sync);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') sync();
  });
  setInterval(sync, SYNC_EVERY_MS);
  await sync();
  chooseLanguage(); // the lists just fetched may say another language
  renderForm();
  await render(); // and the status line, said in the first language, again in this one
  document.body.dataset.ready = 'true';
}

start();
