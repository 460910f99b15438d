package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/png"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
)

// qrSize is the side of a QR code image, in pixels.
const qrSize = 240

// qrDataURI draws a text (a link, an otpauth URL) as a QR code in a PNG data URI (allowed
// by the CSP's img-src data:), so the page needs no second request and no script.
func qrDataURI(text string) (template.URL, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	img, err := barcode.Scale(code, qrSize, qrSize)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	// Trusted as a URL: built here from our own PNG bytes, nothing anyone typed.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}
