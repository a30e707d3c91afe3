package stacks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 24, points 4 and 5: every problem at once, the root cause first with what it causes folded
// under it, no Go syntax, nothing accepted quietly. One row per case the issue names.
func TestProblemsFindTheRootCause(t *testing.T) {
	cases := []struct {
		name    string
		stack   string
		values  map[string]string
		unknown []string
		// first is what the first problem says; also must each appear; never must not appear.
		first string
		also  []string
		never []string
	}{
		{name: "undeclared key does not hide the others", stack: "prod",
			values: withEdge(map[string]string{"network": `{"azCount":1}`}), unknown: []string{"primaryRegon"},
			first: "", also: []string{"primaryRegon: unknown key; did you mean primaryRegion?", "network.azCount"}},
		{name: "two undeclared keys show two", stack: "prod", values: withEdge(nil), unknown: []string{"primaryRegon", "secondaryRgion"},
			also: []string{"(2 problems)", "did you mean primaryRegion?", "did you mean secondaryRegion?"}},
		{name: "unknown region is the root cause, listed first", stack: "prod",
			values: withEdge(map[string]string{"secondaryRegion": "us-west-9"}),
			first:  "multi-region-ha:secondaryRegion:", never: []string{"us-west-9a"}},
		{name: "known regions are a list, not a Go slice", stack: "prod",
			values: withEdge(map[string]string{"secondaryRegion": "us-west-9"}),
			also:   []string{"us-west-2"}, never: []string{"[us-", "map["}},
		{name: "same region says which keys, once each", stack: "prod",
			values: withEdge(map[string]string{"primaryRegion": "us-east-1", "secondaryRegion": "us-east-1"}),
			first:  "multi-region-ha:secondaryRegion:", never: []string{"us-east-1, us-east-1"}},
		{name: "namespace typo says which namespace", stack: "prod", values: withEdge(nil),
			unknown: []string{"multi-regon-ha:accountId"},
			also:    []string{"namespace multi-regon-ha is not this project's", "did you mean multi-region-ha:accountId?"}},
		{name: "account id that lost its leading zero", stack: "prod",
			values: withEdge(map[string]string{"accountId": "12345678901"}),
			also:   []string{"multi-region-ha:accountId:", "quote it"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseT(tc.stack, tc.values, tc.unknown)
			require.Error(t, err)
			var cfgErr *Error
			require.ErrorAs(t, err, &cfgErr)
			require.NotEmpty(t, cfgErr.Problems)
			msg := err.Error()
			if tc.first != "" {
				lines := strings.Split(msg, "\n")
				require.Greater(t, len(lines), 1)
				assert.Contains(t, lines[1], tc.first, "the root cause comes first:\n%s", msg)
			}
			for _, want := range tc.also {
				assert.Contains(t, msg, want)
			}
			for _, bad := range tc.never {
				assert.NotContains(t, msg, bad)
			}
		})
	}
}
