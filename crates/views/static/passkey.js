// Passkeys: adding one on the account page, and logging in with one as the second step.
// Without script (or a browser without WebAuthn) the buttons stay hidden and the code from the
// authenticator app works as before.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function fromB64url(s) {
    var b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function toB64url(buf) {
    var bytes = new Uint8Array(buf);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function ids(list) {
    return (list || []).map(function (c) {
      var copy = Object.assign({}, c);
      copy.id = fromB64url(c.id);
      return copy;
    });
  }

  function csrf() {
    var field = document.querySelector('input[name="csrf"]');
    return field ? field.value : '';
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  function say(button, key) {
    var out = document.getElementById(button.getAttribute('aria-describedby').split(' ').pop());
    if (out) out.textContent = button.getAttribute(key) || '';
  }

  function register(button) {
    var nameField = document.getElementById('passkey-name');
    post('/konto/passkey/start').then(function (challenge) {
      var pk = Object.assign({}, challenge.publicKey);
      pk.challenge = fromB64url(pk.challenge);
      pk.user = Object.assign({}, pk.user, { id: fromB64url(pk.user.id) });
      pk.excludeCredentials = ids(pk.excludeCredentials);
      return navigator.credentials.create({ publicKey: pk }).then(function (cred) {
        return post('/konto/passkey', {
          ceremony: challenge.ceremony,
          name: nameField ? nameField.value : '',
          credential: {
            id: cred.id,
            rawId: toB64url(cred.rawId),
            type: cred.type,
            extensions: cred.getClientExtensionResults(),
            response: {
              attestationObject: toB64url(cred.response.attestationObject),
              clientDataJSON: toB64url(cred.response.clientDataJSON),
              transports: cred.response.getTransports ? cred.response.getTransports() : []
            }
          }
        });
      });
    }).then(function () {
      window.location.assign('/konto');
    }).catch(function () {
      say(button, 'data-failed');
    });
  }

  function login(button) {
    post('/logga-in/passkey/start').then(function (challenge) {
      var pk = Object.assign({}, challenge.publicKey);
      pk.challenge = fromB64url(pk.challenge);
      pk.allowCredentials = ids(pk.allowCredentials);
      return navigator.credentials.get({ publicKey: pk }).then(function (cred) {
        return post('/logga-in/passkey', {
          ceremony: challenge.ceremony,
          credential: {
            id: cred.id,
            rawId: toB64url(cred.rawId),
            type: cred.type,
            extensions: cred.getClientExtensionResults(),
            response: {
              authenticatorData: toB64url(cred.response.authenticatorData),
              clientDataJSON: toB64url(cred.response.clientDataJSON),
              signature: toB64url(cred.response.signature),
              userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : null
            }
          }
        });
      });
    }).then(function (done) {
      window.location.assign(done.next);
    }).catch(function () {
      say(button, 'data-failed');
    });
  }

  document.querySelectorAll('[data-passkey]').forEach(function (el) {
    el.hidden = false;
  });
  var add = document.querySelector('[data-passkey-register]');
  if (add) add.addEventListener('click', function () { register(add); });
  var use = document.querySelector('[data-passkey-login]');
  if (use) use.addEventListener('click', function () { login(use); });
})();
