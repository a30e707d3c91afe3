package pin

import (
	"fmt"
	"io"
	"strings"
)

// Diff writes the line changes from before to after ("-" removed, "+" added), from a longest
// common subsequence of lines; it reports whether anything changed.
func Diff(w io.Writer, name string, before, after []byte) bool {
	a := strings.Split(strings.TrimRight(string(before), "\n"), "\n")
	b := strings.Split(strings.TrimRight(string(after), "\n"), "\n")
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var lines []string
	i, j := 0, 0
	context := "" // the unchanged line before a run of changes, so a reader sees which key changed
	for i < len(a) || j < len(b) {
		if !(i < len(a) && j < len(b) && a[i] == b[j]) && context != "" {
			lines = append(lines, "  "+context)
			context = ""
		}
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			context = a[i]
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			lines = append(lines, fmt.Sprintf("+ %s", b[j]))
			j++
		default:
			lines = append(lines, fmt.Sprintf("- %s", a[i]))
			i++
		}
	}
	changes := 0
	for _, l := range lines {
		if !strings.HasPrefix(l, "  ") {
			changes++
		}
	}
	if changes == 0 {
		return false
	}
	fmt.Fprintf(w, "--- %s\n+++ %s (pinned)\n", name, name)
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return true
}
