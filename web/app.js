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
  var webchat = null; // the widget's handle: sendMessage(payload, text) sends like a quick reply
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
      params: { storage: "local" },
      innerRef: function (handle) {
        webchat = handle;
      }
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

  // The body map (channels/socketio.py sends it as an SVG image): rebuilt in the page from an
  // allow-list of elements and attributes, every zone a button named after its area that sends
  // exactly what that area's button sends.
  var SVG_NS = "http://www.w3.org/2000/svg";
  var SVG_ELEMENTS = { svg: 1, g: 1, polygon: 1, ellipse: 1, circle: 1, text: 1, title: 1 };
  var SVG_ATTRIBUTES = ["viewBox", "points", "cx", "cy", "rx", "ry", "r", "x", "y", "fill", "fill-opacity", "stroke",
    "stroke-width", "text-anchor", "font-size", "font-weight", "class", "data-area", "data-name", "data-payload", "data-number"];

  function rebuild(source) {
    if (!SVG_ELEMENTS[source.localName]) {
      return null;
    }
    var copy = document.createElementNS(SVG_NS, source.localName);
    for (var i = 0; i < SVG_ATTRIBUTES.length; i++) {
      var value = source.getAttribute(SVG_ATTRIBUTES[i]);
      if (value !== null) {
        copy.setAttribute(SVG_ATTRIBUTES[i], value);
      }
    }
    for (var node = source.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 3) {
        copy.appendChild(document.createTextNode(node.nodeValue));
      } else if (node.nodeType === 1) {
        var child = rebuild(node);
        if (child) {
          copy.appendChild(child);
        }
      }
    }
    return copy;
  }

  function decodeSvg(src) {
    var binary = atob(src.slice(src.indexOf(",") + 1));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return new DOMParser().parseFromString(new TextDecoder("utf-8").decode(bytes), "image/svg+xml").documentElement;
  }

  function choose(zone) {
    if (webchat && webchat.sendMessage) {
      webchat.sendMessage(zone.getAttribute("data-payload"), zone.getAttribute("data-name"));
    }
  }

  function bodyMap(image) {
    image.setAttribute("data-tpc-done", "1");
    var parsed;
    try {
      parsed = decodeSvg(image.getAttribute("src") || "");
    } catch (e) {
      return;
    }
    if (!parsed || parsed.localName !== "svg" || parsed.getAttribute("class") !== "tpc-body-map") {
      return;
    }
    var svg = rebuild(parsed);
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", parsed.getAttribute("data-label") || "");
    var zones = svg.querySelectorAll("g.tpc-zone");
    for (var i = 0; i < zones.length; i++) {
      var zone = zones[i];
      zone.setAttribute("role", "button");
      zone.setAttribute("tabindex", "0");
      // named as drawn ("13 Hamstrings": its number, then its area), so the visible number is in the name
      var title = zone.querySelector("title");
      zone.setAttribute("aria-label", (title && title.textContent) || zone.getAttribute("data-name") || "");
      zone.addEventListener("click", function (event) {
        choose(event.currentTarget);
      });
      zone.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          choose(event.currentTarget);
        }
      });
    }
    var frame = image.closest(".rw-image-details") || image;
    frame.parentNode.insertBefore(svg, frame);
    frame.style.display = "none";
    image.setAttribute("alt", "");
  }

  // The hold timer: the widget shows "[Start a 45 s timer](#tpc-timer:45:<words at the end>)" as a
  // link; it becomes a button that counts down in the page (#tpc-timer), announces the end in a
  // live region, and plays a soft tone and vibrates where the browser allows.
  var timer = document.getElementById("tpc-timer");
  var timerTime = document.getElementById("tpc-timer-time");
  var timerStatus = document.getElementById("tpc-timer-status");
  var timerStop = document.getElementById("tpc-timer-stop");
  var running = null;

  function format(seconds) {
    return Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
  }

  function stopTimer() {
    if (running) {
      clearInterval(running.interval);
      running = null;
    }
    timer.hidden = true;
  }

  function chime(audio) {
    try {
      if (navigator.vibrate) {
        navigator.vibrate([120, 80, 120]);
      }
      if (audio) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.type = "sine";
        tone.frequency.value = 660;
        gain.gain.setValueAtTime(0.06, audio.currentTime);
        gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.6);
        tone.connect(gain).connect(audio.destination);
        tone.start();
        tone.stop(audio.currentTime + 0.6);
      }
    } catch (e) {
      // no sound or vibration here: the words on screen and in the live region remain
    }
  }

  function startTimer(seconds, done) {
    stopTimer();
    var audio = null;
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      audio = Context ? new Context() : null; // made on the tap, so the browser lets it play
    } catch (e) {
      audio = null;
    }
    var end = Date.now() + seconds * 1000;
    timerStatus.textContent = "";
    timerTime.textContent = format(seconds);
    timer.hidden = false;
    running = {
      interval: setInterval(function () {
        var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
        timerTime.textContent = format(left);
        if (left === 0) {
          clearInterval(running.interval);
          running = null;
          timerStatus.textContent = done;
          chime(audio);
        }
      }, 250)
    };
  }

  function timerLink(link) {
    link.setAttribute("data-tpc-done", "1");
    var parts = (link.getAttribute("href") || "").split(":");
    var seconds = parseInt(parts[1], 10);
    if (!(seconds > 0)) {
      return;
    }
    var done = "";
    try {
      done = decodeURIComponent(parts.slice(2).join(":"));
    } catch (e) {
      done = "";
    }
    link.setAttribute("role", "button");
    link.removeAttribute("target");
    link.classList.add("tpc-timer-start");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      startTimer(seconds, done);
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        startTimer(seconds, done);
      }
    });
  }

  if (timerStop) {
    timerStop.addEventListener("click", stopTimer);
  }

  function enhancePictures() {
    var maps = container.querySelectorAll("img.rw-image-frame[src^='data:image/svg+xml']:not([data-tpc-done])");
    for (var i = 0; i < maps.length; i++) {
      bodyMap(maps[i]);
    }
    var links = container.querySelectorAll("a[href^='#tpc-timer:']:not([data-tpc-done])");
    for (var j = 0; j < links.length; j++) {
      timerLink(links[j]);
    }
  }

  new MutationObserver(function () {
    enhancePictures();
    enhance();
  }).observe(container, { childList: true, subtree: true });
})();
