package stacks

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with the stack configuration, tied to the full config key that holds it.
type Problem struct {
	Key     string // full key, e.g. "multi-region-ha:network.primary.cidr"
	Message string // what is wrong and what is allowed
	// Caused are the problems that follow from this one (a root cause such as an unknown region):
	// they go away when it is fixed, so they are listed under it.
	Caused []Problem
}

func (p Problem) String() string { return p.Key + ": " + p.Message }

// Error reports every configuration problem at once, so one `pulumi up` shows the whole list: root
// causes first, each with the problems it causes folded under it, then the rest by key.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	var lines []string
	count := 0
	for _, p := range e.Problems {
		lines = append(lines, "  - "+p.String())
		count++
		if len(p.Caused) > 0 {
			lines = append(lines, "    which causes:")
		}
		for _, c := range p.Caused {
			lines = append(lines, "      - "+c.String())
			count++
		}
	}
	noun := "problems"
	if count == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("invalid stack configuration (%d %s):\n%s", count, noun, strings.Join(lines, "\n"))
}

// All returns every problem, root causes and the problems they cause, flat.
func (e *Error) All() []Problem {
	var out []Problem
	for _, p := range e.Problems {
		out = append(out, p)
		out = append(out, p.Caused...)
	}
	return out
}

// problems accumulates Problems under the project namespace.
type problems struct {
	list  []Problem
	roots []root
}

// root is a problem that causes others: causes says whether another problem follows from it.
type root struct {
	problem Problem
	causes  func(Problem) bool
}

// addf records a problem for key (relative to the namespace, e.g. "network.azCount").
func (p *problems) addf(key, format string, args ...any) {
	p.list = append(p.list, Problem{Key: fullKey(key), Message: fmt.Sprintf(format, args...)})
}

// rootf records a root cause: every other problem for which causes is true is folded under it.
func (p *problems) rootf(causes func(Problem) bool, key, format string, args ...any) {
	p.roots = append(p.roots, root{problem: Problem{Key: fullKey(key), Message: fmt.Sprintf(format, args...)}, causes: causes})
}

// rootKeyf is rootf for a key outside the namespace (a mistyped namespace), given in full.
func (p *problems) rootKeyf(causes func(Problem) bool, fullKey, format string, args ...any) {
	p.roots = append(p.roots, root{problem: Problem{Key: fullKey, Message: fmt.Sprintf(format, args...)}, causes: causes})
}

func (p *problems) err() error {
	if len(p.list) == 0 && len(p.roots) == 0 {
		return nil
	}
	sorted := append([]Problem(nil), p.list...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	roots := make([]Problem, len(p.roots))
	for i, r := range p.roots {
		roots[i] = r.problem
	}
	var rest []Problem
	for _, prob := range sorted {
		folded := false
		for i, r := range p.roots {
			if r.causes(prob) {
				roots[i].Caused = append(roots[i].Caused, prob)
				folded = true
				break
			}
		}
		if !folded {
			rest = append(rest, prob)
		}
	}
	return &Error{Problems: append(roots, rest...)}
}

// mentions reports whether a problem names value in its key or message as a whole word (so a
// region us-east-1 is not found in us-east-1a).
func mentions(value string) func(Problem) bool {
	return func(p Problem) bool {
		return containsWord(p.Key, value) || containsWord(p.Message, value)
	}
}

func containsWord(text, word string) bool {
	for i := 0; word != "" && i <= len(text)-len(word); {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(word)
		before := start == 0 || !isWordByte(text[start-1])
		after := end == len(text) || !isWordByte(text[end])
		if before && after {
			return true
		}
		i = start + 1
	}
	return false
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// underKey is true for problems of key or below it.
func underKey(key string) func(Problem) bool {
	full := fullKey(key)
	return func(p Problem) bool { return p.Key == full || strings.HasPrefix(p.Key, full+".") }
}

func anyOf(fs ...func(Problem) bool) func(Problem) bool {
	return func(p Problem) bool {
		for _, f := range fs {
			if f(p) {
				return true
			}
		}
		return false
	}
}

func fullKey(key string) string { return Namespace + ":" + key }

// didYouMean is "; did you mean X?" for the nearest candidate, else "; allowed keys are ...".
func didYouMean(s string, candidates []string) string {
	if near := Closest(s, candidates); near != "" {
		return fmt.Sprintf("; did you mean %s?", near)
	}
	return "; allowed keys are " + strings.Join(candidates, ", ")
}
