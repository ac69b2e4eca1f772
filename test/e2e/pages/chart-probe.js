// Loaded first by test/e2e/chart.test.js's pages (a file, as their CSP forbids inline scripts):
// records every Content Security Policy violation, Trusted Types ones included.
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
