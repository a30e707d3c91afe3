package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The summary says who owns the analyzer: this stack (create), another (existing: only paging), nobody (off).
func TestAccessLineNamesWhoOwnsTheAnalyzer(t *testing.T) {
	two := []string{"us-east-1", "us-west-2"}
	assert.Equal(t, "IAM Access Analyzer (zone of trust: the account) in us-east-1, us-west-2; active findings page the alarm topic in us-east-1, us-west-2",
		accessLine(AccessAnalysis{Analyzers: two, Paged: two}))
	assert.Contains(t, accessLine(AccessAnalysis{Paged: two}), "observability.accessAnalyzer existing")
	assert.Contains(t, accessLine(AccessAnalysis{Paged: two}), "page the alarm topic in us-east-1, us-west-2")
	assert.Contains(t, accessLine(AccessAnalysis{}), "observability.accessAnalyzer off")
}
