// Lets GOV.UK Frontend styles that depend on JavaScript apply (kept in a file: the CSP forbids inline scripts).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
