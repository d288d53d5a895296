//go:build tools

// Package tools pins Mailpit (a real SMTP server with an HTTP API) as test equipment only:
// test/infra/up.sh builds github.com/axllent/mailpit from this module into the infra cache.
package tools

import _ "github.com/axllent/mailpit"
