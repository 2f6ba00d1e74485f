// Runs first in <body>, before anything is painted: tells nhsuk-frontend's CSS that scripts run
// (it hides what the components' JavaScript will reveal). An external file, because the
// Content-Security-Policy allows no inline script.
document.body.className +=
  ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
