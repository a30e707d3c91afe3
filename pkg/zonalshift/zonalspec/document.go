package zonalspec

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Document is the DesiredState of AWS::ARCZonalShift::ZonalAutoshiftConfiguration, field for field
// as the CloudFormation schema names them.
type Document struct {
	ResourceIdentifier       string                   `json:"ResourceIdentifier"`
	ZonalAutoshiftStatus     string                   `json:"ZonalAutoshiftStatus"`
	PracticeRunConfiguration PracticeRunConfiguration `json:"PracticeRunConfiguration"`
}

// PracticeRunConfiguration is the practice runs' alarms and blocked times.
type PracticeRunConfiguration struct {
	OutcomeAlarms  []ControlCondition `json:"OutcomeAlarms"`
	BlockingAlarms []ControlCondition `json:"BlockingAlarms,omitempty"`
	BlockedWindows []string           `json:"BlockedWindows,omitempty"`
	BlockedDates   []string           `json:"BlockedDates,omitempty"`
}

// ControlCondition is one alarm of a practice run.
type ControlCondition struct {
	Type            string `json:"Type"`
	AlarmIdentifier string `json:"AlarmIdentifier"`
}

// Alarm is a CloudWatch alarm as a control condition.
func Alarm(arn string) ControlCondition {
	return ControlCondition{Type: AlarmTypeCloudWatch, AlarmIdentifier: arn}
}

// NewDocument is the enabled autoshift configuration of one load balancer.
func NewDocument(albArn, outcomeAlarmArn, blockingAlarmArn string, blockedWindows []string) Document {
	return Document{
		ResourceIdentifier:   albArn,
		ZonalAutoshiftStatus: StatusEnabled,
		PracticeRunConfiguration: PracticeRunConfiguration{
			OutcomeAlarms:  []ControlCondition{Alarm(outcomeAlarmArn)},
			BlockingAlarms: []ControlCondition{Alarm(blockingAlarmArn)},
			BlockedWindows: blockedWindows,
		},
	}
}

var (
	albArnPattern   = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):([0-9]{12}):loadbalancer/app/[A-Za-z0-9-]+/[0-9a-f]+$`)
	alarmArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:cloudwatch:([a-z0-9-]+):([0-9]{12}):alarm:.+$`)
	windowPattern   = regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):[0-9]{2}:[0-9]{2}-(Mon|Tue|Wed|Thu|Fri|Sat|Sun):[0-9]{2}:[0-9]{2}$`)
	datePattern     = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// Validate checks what AWS would refuse: the schema's counts and patterns, CLOUDWATCH alarms in the
// load balancer's own region ("You must use alarms that are in the same AWS Region that your
// resource is deployed in"), and one alarm never both judging and blocking the practice run.
func (d Document) Validate() error {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	m := albArnPattern.FindStringSubmatch(d.ResourceIdentifier)
	if m == nil {
		add("ResourceIdentifier %q is not an Application Load Balancer ARN", d.ResourceIdentifier)
	}
	if d.ZonalAutoshiftStatus != StatusEnabled {
		add("ZonalAutoshiftStatus %q: the schema allows only %s", d.ZonalAutoshiftStatus, StatusEnabled)
	}
	p := d.PracticeRunConfiguration
	if n := len(p.OutcomeAlarms); n < 1 || n > MaxOutcomeAlarms {
		add("%d outcome alarms; the schema takes exactly %d (fold several into a composite alarm)", n, MaxOutcomeAlarms)
	}
	if n := len(p.BlockingAlarms); n > MaxBlockingAlarms {
		add("%d blocking alarms; the schema takes at most %d", n, MaxBlockingAlarms)
	}
	outcome := map[string]bool{}
	for _, a := range p.OutcomeAlarms {
		outcome[a.AlarmIdentifier] = true
	}
	for _, list := range [][]ControlCondition{p.OutcomeAlarms, p.BlockingAlarms} {
		for _, a := range list {
			if a.Type != AlarmTypeCloudWatch {
				add("alarm type %q; allowed: %s", a.Type, AlarmTypeCloudWatch)
			}
			am := alarmArnPattern.FindStringSubmatch(a.AlarmIdentifier)
			if am == nil {
				add("alarm %q is not a CloudWatch alarm ARN", a.AlarmIdentifier)
			} else if m != nil && (am[1] != m[1] || am[2] != m[2]) {
				add("alarm %s is in %s/%s, the load balancer in %s/%s: practice-run alarms must be in the resource's region", a.AlarmIdentifier, am[2], am[1], m[2], m[1])
			}
		}
	}
	for _, a := range p.BlockingAlarms {
		if outcome[a.AlarmIdentifier] {
			add("alarm %s is both the outcome and the blocking alarm: a failing run would read as interrupted", a.AlarmIdentifier)
		}
	}
	if len(p.BlockedWindows) > MaxBlockedWindows {
		add("%d blocked windows; the schema takes at most %d", len(p.BlockedWindows), MaxBlockedWindows)
	}
	for _, w := range p.BlockedWindows {
		if !windowPattern.MatchString(w) {
			add("blocked window %q is not Day:HH:MM-Day:HH:MM (such as Mon:09:00-Mon:10:00)", w)
		}
	}
	if len(p.BlockedDates) > MaxBlockedDates {
		add("%d blocked dates; the schema takes at most %d", len(p.BlockedDates), MaxBlockedDates)
	}
	for _, day := range p.BlockedDates {
		if !datePattern.MatchString(day) {
			add("blocked date %q is not YYYY-MM-DD", day)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("zonal autoshift configuration: %s", strings.Join(errs, "; "))
	}
	return nil
}

// JSON validates the document and renders it as Cloud Control's DesiredState.
func (d Document) JSON() (string, error) {
	if err := d.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
