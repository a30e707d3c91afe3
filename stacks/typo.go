package stacks

import "strings"

// Typos: the stack configuration suggests the key or namespace a typo meant; the operator
// commands reuse Closest for command names.

// Closest returns the candidate s most likely meant, or "" when none is near enough to be a typo:
// at most a third of the word's length in edits (at least one), ignoring case.
func Closest(s string, candidates []string) string {
	best, bestDistance := "", 0
	for _, c := range candidates {
		d := Distance(strings.ToLower(s), strings.ToLower(c))
		if best == "" || d < bestDistance {
			best, bestDistance = c, d
		}
	}
	if best == "" || bestDistance > max(len(s)/3, 1) {
		return ""
	}
	return best
}

// Distance is the edit distance of a and b counting a swap of two neighbours as one edit (optimal
// string alignment), the typos a hand makes: "plna" is one edit from "plan".
func Distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
