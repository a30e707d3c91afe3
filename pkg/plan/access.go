package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// AccessAnalysis is how the stack detects an open door: the regions with an IAM Access Analyzer
// whose zone of trust is the account, and the regions whose active findings page an SNS topic
// (an EventBridge rule on aws.access-analyzer findings with a topic target).
type AccessAnalysis struct {
	Analyzers []string `json:"analyzers"`
	Paged     []string `json:"paged"`
}

func accessAnalysis(g *graph) AccessAnalysis {
	out := AccessAnalysis{Analyzers: []string{}, Paged: []string{}}
	for _, a := range g.ofType("aws:accessanalyzer/analyzer:Analyzer") {
		if t := a.Str("type"); t == "" || t == "ACCOUNT" {
			out.Analyzers = append(out.Analyzers, a.Region)
		}
	}
	rules := map[string]string{} // rule name -> region
	for _, r := range g.ofType("aws:cloudwatch/eventRule:EventRule") {
		var pattern struct {
			Source []string `json:"source"`
		}
		if json.Unmarshal([]byte(r.Str("eventPattern")), &pattern) == nil && slices.Contains(pattern.Source, "aws.access-analyzer") {
			if name := r.Outputs["name"]; name.IsString() {
				rules[name.StringValue()] = r.Region
			}
		}
	}
	for _, t := range g.ofType("aws:cloudwatch/eventTarget:EventTarget") {
		if region, ok := rules[t.Str("rule")]; ok && region == t.Region && strings.Contains(t.Str("arn"), ":sns:") {
			out.Paged = append(out.Paged, region)
		}
	}
	sort.Strings(out.Analyzers)
	sort.Strings(out.Paged)
	return out
}

// accessLine is the summary's line on access analysis.
func accessLine(a AccessAnalysis) string {
	if len(a.Analyzers) == 0 {
		if len(a.Paged) > 0 {
			return fmt.Sprintf("no IAM Access Analyzer of this stack (observability.accessAnalyzer existing: another stack's or the organisation's); active findings page the alarm topic in %s", strings.Join(a.Paged, ", "))
		}
		return "no IAM Access Analyzer (observability.accessAnalyzer off: an organization analyzer must watch the account)"
	}
	s := fmt.Sprintf("IAM Access Analyzer (zone of trust: the account) in %s", strings.Join(a.Analyzers, ", "))
	if len(a.Paged) > 0 {
		s += fmt.Sprintf("; active findings page the alarm topic in %s", strings.Join(a.Paged, ", "))
	}
	return s
}
