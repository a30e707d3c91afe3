package observability

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// patternMatches evaluates an EventBridge event pattern the way EventBridge matches plain values:
// every field of the pattern must be in the event, a list matches when the event's value is one of
// its elements, an object recurses (EventBridge user guide, "Event patterns").
func patternMatches(pattern, event map[string]any) bool {
	for k, want := range pattern {
		got, ok := event[k]
		if !ok {
			return false
		}
		switch w := want.(type) {
		case map[string]any:
			g, ok := got.(map[string]any)
			if !ok || !patternMatches(w, g) {
				return false
			}
		case []any:
			found := false
			for _, v := range w {
				found = found || v == got
			}
			if !found {
				return false
			}
		}
	}
	return true
}

func finding(status string) map[string]any {
	return map[string]any{
		"source": "aws.access-analyzer", "detail-type": "Access Analyzer Finding", "account": acct, "region": "us-east-1",
		"detail": map[string]any{"status": status, "resourceType": "AWS::IAM::Role", "isPublic": false,
			"principal": map[string]any{"AWS": "210987654321"}, "action": []any{"sts:AssumeRole"}},
	}
}

// One analyzer per region the stack uses (the edge region included), the account as zone of
// trust, and a rule that sends each active finding, and nothing else, to that region's topic.
func TestAccessAnalyzerPagesTheRegionsTopicOnActiveFindings(t *testing.T) {
	m, out := run(t, "eu-west-1", "eu-central-1", func(a *Args) { a.AccessAnalyzer = true })
	analyzers := m.OfType("aws:accessanalyzer/analyzer:Analyzer")
	require.Len(t, analyzers, 3, "eu-west-1, eu-central-1 and the edge region us-east-1")
	regions := map[string]bool{}
	for _, a := range analyzers {
		regions[a.Region] = true
		assert.Equal(t, "ACCOUNT", a.Str("type"))
		assert.Equal(t, "multi-region-ha-prod-external-access", a.Str("analyzerName"))
		prefix := "observability-" + a.Region
		rule := m.Named("aws:cloudwatch/eventRule:EventRule", prefix+"-access-findings")
		require.NotNil(t, rule, a.Region)
		assert.Equal(t, a.Region, rule.Region)
		target := m.Named("aws:cloudwatch/eventTarget:EventTarget", prefix+"-access-findings-topic")
		require.NotNil(t, target, a.Region)
		assert.Equal(t, out.topics[a.Region], target.Str("arn"), "pages the region's own topic")
		assert.Equal(t, a.Region, target.Region)
		assert.True(t, target.DependsOn(m.Named("aws:sns/topicPolicy:TopicPolicy", prefix+"-alarms-policy")), "after the policy that admits EventBridge")

		var pattern map[string]any
		require.NoError(t, json.Unmarshal([]byte(rule.Str("eventPattern")), &pattern))
		assert.True(t, patternMatches(pattern, finding("ACTIVE")))
		assert.False(t, patternMatches(pattern, finding("ARCHIVED")))
		assert.False(t, patternMatches(pattern, finding("RESOLVED")))
		other := finding("ACTIVE")
		other["detail-type"] = "Unused Access Finding for IAM entities"
		assert.False(t, patternMatches(pattern, other))
	}
	assert.Equal(t, map[string]bool{"eu-west-1": true, "eu-central-1": true, "us-east-1": true}, regions)

	m, _ = run(t, "us-east-1", "us-west-2", func(a *Args) { a.AccessAnalyzer = false })
	assert.Empty(t, m.OfType("aws:accessanalyzer/analyzer:Analyzer"), "observability.accessAnalyzer: false")
}
