package web

import (
	"net/url"
	"strings"
	"sync"
)

// Flash messages say what a successful POST did, on the page it redirects to. They travel
// as a code in the URL (?flash=workshop-saved), never as text: nobody can put words on
// our pages with a crafted link, and no session is written for them.
var (
	flashMu       sync.RWMutex
	flashMessages = map[string]string{}
)

// registerFlash adds flash codes and their French messages; each page file registers its
// own from an init function. A code registered twice panics at start: the second
// message would silently replace the first on the other page's redirects.
func registerFlash(messages map[string]string) {
	flashMu.Lock()
	defer flashMu.Unlock()
	for code, msg := range messages {
		if prev, taken := flashMessages[code]; taken && prev != msg {
			panic("web: flash code " + code + " registered twice")
		}
		flashMessages[code] = msg
	}
}

// flashURL adds a flash code to a local URL.
func flashURL(path, code string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "flash=" + url.QueryEscape(code)
}

// flashMessage returns the message of a code, or "".
func flashMessage(code string) string {
	flashMu.RLock()
	defer flashMu.RUnlock()
	return flashMessages[code]
}
