import GaaraEngine
import GaaraWorkflow
import Testing

/// `gaara secret check` finds every use of a secret with its file position and job (issue #15).
struct SecretReferencesTests {
    static let text = """
        on: push
        env:
          TOP: ${{ secrets.TOP_LEVEL }}
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: echo "${{ secrets.NPM_TOKEN }} and ${{ secrets['quoted_name'] }} and ${{ github.token }} ${{ secrets.GITHUB_TOKEN }}"
              - run: echo "secrets.NOT_IN_AN_EXPRESSION"
          deploy:
            runs-on: ubuntu-latest
            environment: production
            steps:
              - run: deploy
                env:
                  KEY: ${{
                    secrets.DEPLOY_KEY }}
          call:
            uses: ./.github/workflows/reusable.yml
            secrets:
              token: ${{ format('{0}', secrets.CALL_TOKEN) }}
        """

    @Test func everyUseWithItsPositionAndJob() throws {
        let loaded = WorkflowLoader.load(text: Self.text, path: ".github/workflows/ci.yml")
        let references = SecretReferences.find(in: Self.text, workflow: loaded.workflow)
        let summary = references.map { "\($0.name)@\($0.location.line):\($0.location.column) \($0.job ?? "-") \($0.environment ?? "-")" }
        #expect(
            summary == [
                "TOP_LEVEL@3:20 - -", "NPM_TOKEN@8:32 test -", "quoted_name@8:62 test -", "DEPLOY_KEY@17:21 deploy production",
                "CALL_TOKEN@21:40 call -",
            ], "\(summary)")
    }
}
