// Mount rasa-webchat (node_modules/rasa-webchat/lib/index.js, served as vendor/rasa-webchat.js) into #webchat.
// The socket URL comes from config.js, written by scripts/serve_web.py (--socket-url).
(function () {
  "use strict";
  var config = window.TPC_CONFIG || {};
  var container = document.getElementById("webchat");
  if (!window.WebChat || !config.socketUrl) {
    container.textContent = "The chat could not start (widget or configuration missing).";
    return;
  }
  window.WebChat.default(
    {
      socketUrl: config.socketUrl,
      socketPath: "/socket.io/",
      embedded: true,
      initPayload: "/greet",
      customData: { language: "en" },
      title: "Trigger Point Coach",
      inputTextFieldHint: "Where does it feel tight?",
      mainColor: "#0f766e",
      userBackgroundColor: "#0f766e",
      userTextColor: "#ffffff",
      hideWhenNotConnected: false,
      showFullScreenButton: false,
      params: { storage: "local" }
    },
    container
  );
})();
