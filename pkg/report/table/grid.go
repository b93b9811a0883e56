package table

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// grid lays out rows of cells in columns two spaces apart, as
// text/tabwriter would, but measures the text before colouring it: with
// tabwriter, the escape sequences of coloured cells count towards the
// column width, so a header above coloured cells goes out of line.
type grid struct {
	rows [][]cell
}

type cell struct {
	text  string
	color string // ANSI SGR sequence, "" for none
}

// add appends a row of plain cells.
func (g *grid) add(cells ...string) {
	row := make([]cell, len(cells))
	for i, c := range cells {
		row[i] = cell{text: sanitize(c)}
	}
	g.rows = append(g.rows, row)
}

// addCells appends a row of cells, some coloured.
func (g *grid) addCells(cells ...cell) {
	row := make([]cell, len(cells))
	for i, c := range cells {
		row[i] = cell{text: sanitize(c.text), color: c.color}
	}
	g.rows = append(g.rows, row)
}

const gap = 2

// write renders the grid. The last cell of a row does not widen its
// column, so long free text (messages, matches) goes last; trailing
// blanks are trimmed.
func (g *grid) write(w io.Writer) {
	var widths []int
	for _, row := range g.rows {
		for i, c := range row[:len(row)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	var b strings.Builder
	for _, row := range g.rows {
		var line strings.Builder
		pending := 0 // spaces owed before the next non-empty text
		for i, c := range row {
			if c.text != "" {
				line.WriteString(strings.Repeat(" ", pending))
				pending = 0
				if c.color != "" {
					line.WriteString(c.color + c.text + reset)
				} else {
					line.WriteString(c.text)
				}
			}
			if i < len(row)-1 {
				pending += widths[i] - utf8.RuneCountInString(c.text) + gap
			}
		}
		b.WriteString(line.String())
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}

// sanitize keeps text on one line and free of terminal control sequences:
// tabs and line breaks become spaces, other control characters and invalid
// UTF-8 U+FFFD. Scanned files supply much of the text (package names,
// manifest fields, matched lines), and a terminal must not act on it.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r == utf8.RuneError || unicode.IsControl(r):
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
