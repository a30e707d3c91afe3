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
}

func (p Problem) String() string { return p.Key + ": " + p.Message }

// Error reports every configuration problem at once, so one `pulumi up` shows the whole list.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, "  - "+p.String())
	}
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("invalid stack configuration (%d %s):\n%s", len(e.Problems), noun, strings.Join(lines, "\n"))
}

// problems accumulates Problems under the project namespace.
type problems struct {
	list []Problem
}

// addf records a problem for key (relative to the namespace, e.g. "network.azCount").
func (p *problems) addf(key, format string, args ...any) {
	p.list = append(p.list, Problem{Key: fullKey(key), Message: fmt.Sprintf(format, args...)})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sorted := append([]Problem(nil), p.list...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	return &Error{Problems: sorted}
}

func fullKey(key string) string { return Namespace + ":" + key }
