// Initialise NHS.UK frontend (v10) components.
//
// Include once per page, near the end of <body>:
//   <script type="module" src="{% static 'js/nhsuk-init.js' %}"></script>
// No inline script is needed, so it works under CSP script-src 'self'.
//
// The vendored bundle (static/vendor/nhsuk/nhsuk-frontend.min.js, built by
// scripts/build-frontend.sh) is an ES module exporting initAll, createAll and
// the component classes (Header, ErrorSummary, SkipLink, ...).
import { initAll } from '../vendor/nhsuk/nhsuk-frontend.min.js'

// NHS.UK frontend's page template sets these body classes with an inline
// <script>, which our CSP forbids. initAll() does nothing unless
// `nhsuk-frontend-supported` is present; a browser running this module
// supports ES modules, which is exactly what that class signals.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')

initAll()
