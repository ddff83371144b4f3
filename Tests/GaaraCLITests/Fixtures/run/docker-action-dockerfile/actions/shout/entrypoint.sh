upper=$(echo "$1" | tr a-z A-Z)
echo "shouting $upper"
echo "said=$upper" >> "$GITHUB_OUTPUT"
