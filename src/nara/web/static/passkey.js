// 패스키 로그인·등록: WebAuthn JSON options from the server, the browser's parse/toJSON helpers.
(function () {
  "use strict";
  const status = document.getElementById("passkey-status");
  function say(text) { if (status) { status.textContent = text; } }

  async function post(url, csrf, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? "{}" : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) { throw new Error(data.detail || "패스키를 확인하지 못했습니다."); }
    return data;
  }

  async function signIn(button) {
    const target = button.dataset.continue, csrf = button.dataset.csrf;
    const options = await post("/login/passkey/options", csrf);
    const credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
    });
    const done = await post("/login/passkey?continue=" + encodeURIComponent(target), csrf, credential.toJSON());
    window.location.assign(done.continue);
  }

  async function register(button) {
    const target = button.dataset.continue, csrf = button.dataset.csrf;
    const options = await post("/enrol/passkey/options", csrf);
    const credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    });
    const done = await post("/enrol/passkey?continue=" + encodeURIComponent(target), csrf, credential.toJSON());
    say("패스키를 만들었습니다.");
    window.location.assign(done.continue);
  }

  function wire(id, action) {
    const button = document.getElementById(id);
    if (!button) { return; }
    if (!window.PublicKeyCredential) {
      button.disabled = true;
      say("이 브라우저는 패스키를 지원하지 않습니다. 인증번호로 로그인해 주세요.");
      return;
    }
    button.addEventListener("click", () => {
      say("패스키를 확인하고 있습니다…");
      action(button).catch((error) => say(error.message || "패스키를 확인하지 못했습니다."));
    });
  }
  wire("passkey-sign-in", signIn);
  wire("passkey-register", register);
})();
