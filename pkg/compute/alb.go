package compute

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multi-region-ha/multi-region-ha/pkg/edge/edgecalc"
)

// physicalNamePrefix starts the ALB's and target group's AWS names. AWS caps both names at 32
// characters, too short for "<component>-alb" plus Pulumi's random suffix in long Region names, so
// they take a short prefix (AWS appends a unique suffix) and carry their full name in the Name tag.
const physicalNamePrefix = "mrha-"

// Target group health check (edgecalc, which the traffic model reads): an instance is in service
// after 2 passes 10 s apart and out after 3 failures, so every process restarting for 15 s never
// empties the target group (Route 53's alias with EvaluateTargetHealth would move viewers);
// deregistration waits 30 s so rollouts are quick.
const (
	healthCheckInterval       = edgecalc.TargetHealthIntervalSeconds
	healthCheckTimeout        = edgecalc.TargetHealthTimeoutSeconds
	healthyThreshold          = edgecalc.TargetHealthyThreshold
	unhealthyThreshold        = edgecalc.TargetUnhealthyThreshold
	deregistrationDelaySecond = 30
	// healthPathsRulePriority is evaluated before the origin-secret rule (lower number first).
	healthPathsRulePriority = 5
	originRulePriority      = 10
)

// HealthCheckerMethods are the only methods the health-paths rule forwards: Route 53 sends GET.
var HealthCheckerMethods = []string{"GET", "HEAD"}

type loadBalancing struct {
	alb      *lb.LoadBalancer
	target   *lb.TargetGroup
	listener *lb.Listener
	rule     *lb.ListenerRule
	// healthRule forwards the liveness and primary paths without the origin secret.
	healthRule *lb.ListenerRule
}

func (c *Compute) newLoadBalancing(ctx *pulumi.Context, name string, args *Args, sgs *securityGroups, logs *accessLogs, opts ...pulumi.ResourceOption) (*loadBalancing, error) {
	alb, err := lb.NewLoadBalancer(ctx, name+"-alb", &lb.LoadBalancerArgs{
		NamePrefix:       pulumi.String(physicalNamePrefix),
		LoadBalancerType: pulumi.String("application"),
		Internal:         pulumi.Bool(false),
		IpAddressType:    pulumi.String("ipv4"),
		Subnets:          args.PublicSubnetIds,
		// CloudFront's group (55 rules) and Route 53's checkers' group (25 rules) cannot be one.
		SecurityGroups:           pulumi.StringArray{sgs.alb.ID(), sgs.albHealthChecks.ID()},
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableHttp2:              pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(args.DeletionProtection),
		IdleTimeout:              pulumi.Int(60),
		// Always on: it only lets an operator (aws arc-zonal-shift start-zonal-shift) or AWS's zonal
		// autoshift move the load balancer's traffic out of an impaired zone; nothing changes until then.
		EnableZonalShift: pulumi.Bool(true),
		// Explicit (AWS's default is 3600 s): the ALB closes each client connection, CloudFront's
		// too, at most this long after it opened, which bounds how long CloudFront keeps sending
		// requests to a demoted region over connections it holds (counted in the traffic budget).
		ClientKeepAlive: pulumi.Int(edgecalc.ALBClientKeepAliveSeconds),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket:  logs.bucket.Bucket,
			Enabled: pulumi.Bool(true),
		},
		Tags: roleTags(name+"-alb", args.Role),
	}, append(opts, pulumi.DependsOn(logs.ready))...)
	if err != nil {
		return nil, err
	}

	target, err := lb.NewTargetGroup(ctx, name+"-tg", &lb.TargetGroupArgs{
		NamePrefix:          pulumi.String(physicalNamePrefix),
		VpcId:               args.VpcId,
		TargetType:          pulumi.String("instance"),
		Port:                pulumi.Int(args.AppPort),
		Protocol:            pulumi.String("HTTP"),
		ProtocolVersion:     pulumi.String("HTTP1"),
		DeregistrationDelay: pulumi.Int(deregistrationDelaySecond),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Protocol:           pulumi.String("HTTP"),
			Port:               pulumi.String("traffic-port"),
			Path:               pulumi.String(args.HealthCheckPath),
			Matcher:            pulumi.String("200"),
			Interval:           pulumi.Int(healthCheckInterval),
			Timeout:            pulumi.Int(healthCheckTimeout),
			HealthyThreshold:   pulumi.Int(healthyThreshold),
			UnhealthyThreshold: pulumi.Int(unhealthyThreshold),
		},
		Tags: nameTag(name + "-tg"),
	}, opts...)
	if err != nil {
		return nil, err
	}

	// HTTPS only: CloudFront redirects viewers, so there is no port 80. Anything without the origin
	// secret gets a fixed 403.
	listener, err := lb.NewListener(ctx, name+"-https", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(443),
		Protocol:        pulumi.String("HTTPS"),
		SslPolicy:       pulumi.String(TLSPolicy),
		CertificateArn:  args.CertificateArn,
		DefaultActions: lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("fixed-response"),
			FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{
				ContentType: pulumi.String("text/plain"),
				MessageBody: pulumi.String("Forbidden"),
				StatusCode:  pulumi.String("403"),
			},
		}},
		Tags: nameTag(name + "-https"),
	}, opts...)
	if err != nil {
		return nil, err
	}

	secret := pulumi.ToSecret(args.OriginVerifySecret.ToStringOutput().ApplyT(func(s string) (string, error) {
		if err := checkOriginSecret(s); err != nil {
			return "", err
		}
		return s, nil
	})).(pulumi.StringOutput)
	rule, err := lb.NewListenerRule(ctx, name+"-from-cloudfront", &lb.ListenerRuleArgs{
		ListenerArn: listener.Arn,
		Priority:    pulumi.Int(originRulePriority),
		Conditions: lb.ListenerRuleConditionArray{&lb.ListenerRuleConditionArgs{
			HttpHeader: &lb.ListenerRuleConditionHttpHeaderArgs{
				HttpHeaderName: pulumi.String(OriginVerifyHeader),
				Values:         pulumi.StringArray{secret},
			},
		}},
		Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: target.Arn,
		}},
		Tags: nameTag(name + "-from-cloudfront"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	// Route 53's checkers cannot send the origin secret: exactly the two health paths, GET or HEAD,
	// reach the targets without it. Anything else still gets the listener's 403. Path conditions
	// match exactly (the paths carry no '*' or '?', which the ALB reads as wildcards).
	healthRule, err := lb.NewListenerRule(ctx, name+"-health-paths", &lb.ListenerRuleArgs{
		ListenerArn: listener.Arn,
		Priority:    pulumi.Int(healthPathsRulePriority),
		Conditions: append(lb.ListenerRuleConditionArray{
			&lb.ListenerRuleConditionArgs{
				PathPattern: &lb.ListenerRuleConditionPathPatternArgs{
					Values: pulumi.ToStringArray(HealthPaths(args.HealthCheckPath)),
				},
			},
			&lb.ListenerRuleConditionArgs{
				HttpRequestMethod: &lb.ListenerRuleConditionHttpRequestMethodArgs{
					Values: pulumi.ToStringArray(HealthCheckerMethods),
				},
			},
		}, healthHostCondition(args.HealthCheckHost)...),
		Actions: lb.ListenerRuleActionArray{&lb.ListenerRuleActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: target.Arn,
		}},
		Tags: nameTag(name + "-health-paths"),
	}, opts...)
	if err != nil {
		return nil, err
	}
	return &loadBalancing{alb: alb, target: target, listener: listener, rule: rule, healthRule: healthRule}, nil
}

// HealthPaths are the paths the ALB forwards without the origin secret: the liveness path (the
// target group's health check path) and the global-primary path.
func HealthPaths(livenessPath string) []string { return []string{livenessPath, PrimaryPath} }

// healthHostCondition requires the Host Route 53's checks send (their fully qualified domain name).
// With the two paths and two methods it makes five condition values, the most a rule may have.
func healthHostCondition(host string) lb.ListenerRuleConditionArray {
	if host == "" {
		return nil
	}
	return lb.ListenerRuleConditionArray{&lb.ListenerRuleConditionArgs{
		HostHeader: &lb.ListenerRuleConditionHostHeaderArgs{Values: pulumi.StringArray{pulumi.String(host)}},
	}}
}
