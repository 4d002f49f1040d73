// Mount rasa-webchat (node_modules/rasa-webchat/lib/index.js, served as vendor/rasa-webchat.js) into #webchat.
// The socket URL and the typing pause come from config.js, written by scripts/serve_web.py.
(function () {
  "use strict";
  var config = window.TPC_CONFIG || {};
  var container = document.getElementById("webchat");
  if (!window.WebChat || !config.socketUrl) {
    container.textContent = "The chat could not start (widget or configuration missing).";
    return;
  }
  var timezone = "";
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    timezone = "";
  }
  window.WebChat.default(
    {
      socketUrl: config.socketUrl,
      socketPath: "/socket.io/",
      embedded: true,
      initPayload: "/greet",
      // sent with every message (Rasa: message metadata); the time zone lets reminders skip a question
      customData: { language: "en", timezone: timezone },
      title: "Trigger Point Coach",
      inputTextFieldHint: "Where does it feel tight?",
      mainColor: "#0f766e",
      userBackgroundColor: "#0f766e",
      userTextColor: "#ffffff",
      hideWhenNotConnected: false,
      // a short "typing..." pause, longer for longer messages, capped by config.js (0: none)
      customMessageDelay: function (message) {
        return Math.min(config.messageDelayMs || 0, Math.max(300, 15 * (message ? message.length : 0)));
      },
      showFullScreenButton: false,
      params: { storage: "local" }
    },
    container
  );

  // rasa-webchat draws buttons and quick replies as <div>s, pictures without a text alternative
  // and an icon-only send button. Make every button reachable with Tab and usable with Enter or
  // Space, name the send button and the input, and give each chart the caption the bot sends
  // right after it as its alt text.
  function activate(event) {
    if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      event.currentTarget.click();
    }
  }

  function enhance() {
    var send = container.querySelector(".rw-send:not([aria-label])");
    if (send) {
      send.setAttribute("aria-label", "Send");
    }
    var input = container.querySelector(".rw-new-message:not([aria-label])");
    if (input) {
      input.setAttribute("aria-label", "Your message");
    }
    var buttons = container.querySelectorAll(".rw-reply, .rw-replies div[class*='reply']");
    for (var i = 0; i < buttons.length; i++) {
      var button = buttons[i];
      if (button.getAttribute("data-tpc-keyboard")) {
        continue;
      }
      button.setAttribute("data-tpc-keyboard", "1");
      button.setAttribute("role", "button");
      button.setAttribute("tabindex", "0");
      button.addEventListener("keydown", activate);
    }
    var images = container.querySelectorAll("img.rw-image-frame:not([alt])");
    for (var j = 0; j < images.length; j++) {
      var image = images[j];
      var message = image.closest(".rw-message");
      var next = message && message.nextElementSibling;
      var caption = next && next.querySelector(".rw-response");
      if (caption && caption.textContent) {
        image.setAttribute("alt", caption.textContent.trim());
      }
    }
  }

  new MutationObserver(enhance).observe(container, { childList: true, subtree: true });
})();
