package io.breakwater.detect;

import io.breakwater.event.Evidence;
import io.breakwater.event.SecurityEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/** Stage 1's output: the deploy, carrying the credential use that preceded it as its cause. */
public class CauseAttacher extends PatternProcessFunction<SecurityEvent, SecurityEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processMatch(Map<String, List<SecurityEvent>> match, Context ctx, Collector<SecurityEvent> out) {
        SecurityEvent deploy = match.get("deploy").get(0).copy();
        deploy.cause = Evidence.of(match.get("credential").get(0));
        out.collect(deploy);
    }
}
