package observability

import (
	"encoding/json"
	"strings"
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

// With create, one analyzer per region the stack uses (the edge region included), the account as
// zone of trust, and a rule that sends each active finding, and nothing else, to that region's
// topic. With existing, the same rules and targets without an analyzer (another stack's or the
// organisation's analyzer reports to EventBridge in the region); with off, nothing.
func TestAccessAnalyzerPagesTheRegionsTopicOnActiveFindings(t *testing.T) {
	for _, mode := range []string{AnalyzerCreate, AnalyzerExisting} {
		t.Run(mode, func(t *testing.T) {
			m, out := run(t, "eu-west-1", "eu-central-1", func(a *Args) { a.AccessAnalyzer = mode })
			analyzers := m.OfType("aws:accessanalyzer/analyzer:Analyzer")
			if mode == AnalyzerCreate {
				require.Len(t, analyzers, 3, "eu-west-1, eu-central-1 and the edge region us-east-1")
			} else {
				assert.Empty(t, analyzers, "existing: the account holds one account analyzer per region, another stack's")
			}
			for _, a := range analyzers {
				assert.Equal(t, "ACCOUNT", a.Str("type"))
				assert.Equal(t, "multi-region-ha-prod-external-access", a.Str("analyzerName"))
				rule := m.Named("aws:cloudwatch/eventRule:EventRule", "observability-"+a.Region+"-access-findings")
				require.NotNil(t, rule, a.Region)
				assert.True(t, rule.DependsOn(a), "the rule follows its region's analyzer")
			}
			regions := map[string]bool{}
			for _, rule := range m.OfType("aws:cloudwatch/eventRule:EventRule") {
				if !strings.HasSuffix(rule.Name, "-access-findings") {
					continue
				}
				region := rule.Region
				regions[region] = true
				prefix := "observability-" + region
				assert.Equal(t, prefix+"-access-findings", rule.Name)
				target := m.Named("aws:cloudwatch/eventTarget:EventTarget", prefix+"-access-findings-topic")
				require.NotNil(t, target, region)
				assert.Equal(t, out.topics[region], target.Str("arn"), "pages the region's own topic")
				assert.Equal(t, region, target.Region)
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
		})
	}

	m, _ := run(t, "us-east-1", "us-west-2", func(a *Args) { a.AccessAnalyzer = AnalyzerOff })
	assert.Empty(t, m.OfType("aws:accessanalyzer/analyzer:Analyzer"), "observability.accessAnalyzer: off")
	for _, rule := range m.OfType("aws:cloudwatch/eventRule:EventRule") {
		assert.NotContains(t, rule.Str("eventPattern"), "aws.access-analyzer", rule.Name)
	}
}

func TestAccessAnalyzerModeIsValidated(t *testing.T) {
	for _, bad := range []string{"", "true", "Create"} {
		err := (&Args{AccessAnalyzer: bad}).validateAnalyzer()
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "allowed: create, existing, off")
	}
}
