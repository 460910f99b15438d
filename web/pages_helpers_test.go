package web_test

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// page GETs an HTML page and parses it.
func (e *env) page(path string) (*http.Response, *goquery.Document) {
	e.t.Helper()
	resp, body := e.get(path)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		e.t.Fatalf("GET %s: parse HTML: %v", path, err)
	}
	return resp, doc
}

// blocks are the elements whose boundaries separate words, as a browser lays them out.
var blocks = map[string]bool{
	"br": true, "p": true, "div": true, "li": true, "dt": true, "dd": true, "ul": true, "ol": true, "dl": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "section": true, "nav": true,
	"form": true, "fieldset": true, "legend": true, "label": true, "option": true, "details": true, "summary": true,
}

// text is the text of a selection as it reads on screen: block boundaries separate words,
// white space is collapsed.
func text(s *goquery.Selection) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			if n.Data == "script" || n.Data == "style" {
				return
			}
		}
		block := n.Type == html.ElementNode && blocks[n.Data]
		if block {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte(' ')
		}
	}
	for _, n := range s.Nodes {
		walk(n)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// texts is the text of each element of a selection.
func texts(s *goquery.Selection) []string {
	out := []string{}
	s.Each(func(_ int, el *goquery.Selection) { out = append(out, text(el)) })
	return out
}

// attrs is one attribute of each element of a selection.
func attrs(s *goquery.Selection, name string) []string {
	out := []string{}
	s.Each(func(_ int, el *goquery.Selection) { out = append(out, el.AttrOr(name, "")) })
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
