// Live chat over a WebSocket. The chat pages work without this file (forms post and redirect);
// with it, messages, the place in the queue and the console's lists update as they happen, and
// the send form goes over the socket. Text is always set with textContent, never as HTML.
(function () {
  'use strict';
  var root = document.querySelector('[data-chat-ws]');
  if (!root || !('WebSocket' in window) || !window.JSON) return;
  var chatId = root.getAttribute('data-chat-id');
  var list = document.getElementById('transcript');
  var status = document.getElementById('chat-status');
  var form = document.getElementById('chat-send');
  var queue = document.getElementById('chat-queue');
  var mine = document.getElementById('chat-mine');
  var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + root.getAttribute('data-chat-ws');
  var ws = null;
  var retries = 0;
  // A form on its way to the server decides the next page; live updates must not race it.
  var submitting = false;
  document.addEventListener('submit', function (e) { if (!e.defaultPrevented) submitting = true; });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function addMessage(f) {
    if (!list || (chatId && String(f.chat) !== chatId)) return;
    if (document.getElementById('m-' + f.id)) return;
    var li = el('li', 'msg ' + f.sender + (f.mine ? ' mine' : ''));
    li.id = 'm-' + f.id;
    li.appendChild(el('span', 'who', f.who + ' ' + f.at));
    li.appendChild(el('p', '', f.body));
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function renderConsole(f) {
    if (queue) {
      while (queue.firstChild) queue.removeChild(queue.firstChild);
      f.queue.forEach(function (q) {
        var tr = el('tr');
        tr.appendChild(el('td', '', q.customer));
        tr.appendChild(el('td', '', q.topic));
        tr.appendChild(el('td', 'num', String(q.minutes)));
        queue.appendChild(tr);
      });
      if (status) status.textContent = f.summary;
    }
    if (mine) {
      while (mine.firstChild) mine.removeChild(mine.firstChild);
      f.mine.forEach(function (c) {
        var li = el('li');
        var a = el('a', '', c.customer + ' – ' + c.topic);
        a.href = '/chatt/' + c.id;
        li.appendChild(a);
        if (c.left) li.appendChild(document.createTextNode(' (' + f.left_label + ')'));
        mine.appendChild(li);
      });
    }
    // On an agent's chat page: the chat was handed over or closed elsewhere.
    if (chatId && !submitting && !f.mine.some(function (c) { return String(c.id) === chatId; })) {
      location.href = '/chatt';
    }
  }

  function handle(f) {
    if (f.type === 'message') addMessage(f);
    else if (f.type === 'status' && status && !queue) status.textContent = f.text;
    else if (f.type === 'console') renderConsole(f);
    else if (f.type === 'error' && status) status.textContent = f.text;
    else if ((f.type === 'reload' || f.type === 'closed') && !submitting) location.reload();
  }

  function connect() {
    ws = new WebSocket(url);
    ws.onopen = function () { retries = 0; };
    ws.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      handle(f);
    };
    ws.onclose = function (e) {
      ws = null;
      // 1012: the server is restarting; another one takes the socket in a moment (spread out
      // so a restart does not bring every page back at once).
      if (e.code === 1012) { setTimeout(connect, 500 + Math.random() * 2000); return; }
      if (retries < 6) { retries += 1; setTimeout(connect, 1000 * retries); }
    };
  }

  if (form) {
    form.addEventListener('submit', function (e) {
      if (!ws || ws.readyState !== 1) return; // the form posts as usual
      var input = form.querySelector('textarea');
      var body = input.value.trim();
      if (!body) return;
      e.preventDefault();
      var frame = { type: 'send', body: body };
      if (chatId) frame.chat = Number(chatId);
      ws.send(JSON.stringify(frame));
      input.value = '';
      input.focus();
    });
  }
  setInterval(function () { if (ws && ws.readyState === 1) ws.send('{"type":"ping"}'); }, 30000);
  connect();
}());
